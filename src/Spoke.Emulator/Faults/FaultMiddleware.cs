using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Spoke.Emulator.Errors;
using Spoke.Emulator.Hosting;
using Spoke.Emulator.RateLimits;

namespace Spoke.Emulator.Faults;

/// <summary>
/// Applies the fault rules to API requests (never to admin requests, <see cref="AdminRequests.IsAdminPath"/>). Runs after auth and rate limits, so a
/// request the emulator would refuse anyway is refused for that reason, and before the endpoint, so a fault can stop
/// the request from executing.
/// </summary>
internal static class FaultMiddleware
{
    public static void UseFaultInjection(this IApplicationBuilder app) =>
        app.Use(async (ctx, next) =>
        {
            if (AdminRequests.IsAdminPath(ctx.Request.Path))
            {
                await next(ctx).ConfigureAwait(false);
                return;
            }

            var faults = ctx.RequestServices.GetRequiredService<FaultInjector>();
            var plan = faults.Evaluate(ctx.Request.Method, ctx.Request.Path.Value ?? "");
            if (plan.IsEmpty)
            {
                await next(ctx).ConfigureAwait(false);
                return;
            }

            await ApplyAsync(ctx, next, faults, plan).ConfigureAwait(false);
        });

    private static async Task ApplyAsync(HttpContext ctx, RequestDelegate next, FaultInjector faults, FaultPlan plan)
    {
        if (plan.Delay > TimeSpan.Zero && !await HoldAsync(ctx, plan.Delay).ConfigureAwait(false))
        {
            return;
        }

        faults.SetWriteTimestamp(plan.WriteTimestamp);
        try
        {
            if (plan.Terminal is not { } rule)
            {
                await next(ctx).ConfigureAwait(false);
            }
            else if (rule.AfterExecute)
            {
                await ExecuteDiscardingAnswerAsync(ctx, next).ConfigureAwait(false);
                await FailAsync(ctx, rule).ConfigureAwait(false);
            }
            else
            {
                await FailAsync(ctx, rule).ConfigureAwait(false);
            }
        }
        finally
        {
            faults.SetWriteTimestamp(null);
        }
    }

    /// <summary>Answers the request the way <paramref name="rule"/> says: an error body, a dropped connection, or a hang.</summary>
    private static async Task FailAsync(HttpContext ctx, FaultRule rule)
    {
        switch (rule.Kind)
        {
            case FaultKind.Status:
                throw ServerError(rule.Status);
            case FaultKind.RateLimit:
                var fidelity = ctx.RequestServices.GetRequiredService<HubSpotEmulatorOptions>().Fidelity;
                throw RateLimiter.Rejection(rule.Policy, rule.Policy == "DAILY" ? 86_400 : 1, fidelity.SendRetryAfterOn429);
            case FaultKind.Drop:
                ctx.Abort();
                return;
            case FaultKind.Timeout:
                await HoldAsync(ctx, TimeSpan.FromMilliseconds(rule.TimeoutMs)).ConfigureAwait(false);
                ctx.Abort();
                return;
            default:
                return;
        }
    }

    /// <summary>
    /// Runs the endpoint with its answer buffered and thrown away, so the write happens and the client sees only the
    /// fault. An error the endpoint raises is discarded too: the client cannot tell, as with a real 5xx after a write.
    /// </summary>
    private static async Task ExecuteDiscardingAnswerAsync(HttpContext ctx, RequestDelegate next)
    {
        var original = ctx.Response.Body;
        using var buffer = new MemoryStream();
        ctx.Response.Body = buffer;
        try
        {
            await next(ctx).ConfigureAwait(false);
        }
        catch (ApiError)
        {
            // The fault answers instead.
        }
        finally
        {
            ctx.Response.Body = original;
            ctx.Response.Headers.ContentLength = null;
            ctx.Response.Headers.ContentType = default;
        }
    }

    /// <summary>Waits <paramref name="duration"/> of real time; false when the client went away meanwhile.</summary>
    private static async Task<bool> HoldAsync(HttpContext ctx, TimeSpan duration)
    {
        var cap = TimeSpan.FromMilliseconds(FaultRule.MaxHoldMs);
        try
        {
            await Task.Delay(duration > cap ? cap : duration, ctx.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>HubSpot's JSON error body for a server-side failure (its edge sometimes sends HTML instead).</summary>
    public static ApiError ServerError(int status) => status switch
    {
        502 => new ApiError(502, "BAD_GATEWAY", "Bad gateway: the upstream service did not answer. Retry the request."),
        503 => new ApiError(503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Retry the request."),
        504 => new ApiError(504, "GATEWAY_TIMEOUT", "Gateway timeout: the request took too long. Retry the request."),
        _ => new ApiError(status, "INTERNAL_ERROR", "Internal error. Quote the correlationId when you report it."),
    };
}
