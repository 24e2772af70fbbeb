using System.Text.Json.Serialization;

namespace Spoke.OAuth;

// HubSpot's OAuth wire shapes (docs/hubspot-api.md §9): snake_case, every field optional when read.
internal sealed class TokenResponseDto
{
    [JsonPropertyName("access_token")] public string? AccessToken { get; set; }
    [JsonPropertyName("refresh_token")] public string? RefreshToken { get; set; }
    [JsonPropertyName("expires_in")] public long ExpiresIn { get; set; }
    [JsonPropertyName("token_type")] public string? TokenType { get; set; }
    [JsonPropertyName("hub_id")] public long? HubId { get; set; }
    [JsonPropertyName("user_id")] public long? UserId { get; set; }
    [JsonPropertyName("scopes")] public List<string>? Scopes { get; set; }
}

internal sealed class AccessTokenInfoDto
{
    [JsonPropertyName("user")] public string? User { get; set; }
    [JsonPropertyName("hub_domain")] public string? HubDomain { get; set; }
    [JsonPropertyName("scopes")] public List<string>? Scopes { get; set; }
    [JsonPropertyName("hub_id")] public long HubId { get; set; }
    [JsonPropertyName("app_id")] public long AppId { get; set; }
    [JsonPropertyName("expires_in")] public long ExpiresIn { get; set; }
    [JsonPropertyName("user_id")] public long? UserId { get; set; }
}

internal sealed class RefreshTokenInfoDto
{
    [JsonPropertyName("user")] public string? User { get; set; }
    [JsonPropertyName("hub_domain")] public string? HubDomain { get; set; }
    [JsonPropertyName("scopes")] public List<string>? Scopes { get; set; }
    [JsonPropertyName("hub_id")] public long HubId { get; set; }
    [JsonPropertyName("client_id")] public string? ClientId { get; set; }
    [JsonPropertyName("user_id")] public long? UserId { get; set; }
}

/// <summary>The OAuth error body: the code is <c>status</c> (<c>BAD_REFRESH_TOKEN</c>), with <c>message</c> and OAuth's <c>error</c>.</summary>
internal sealed class OAuthErrorDto
{
    [JsonPropertyName("status")] public string? Status { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
    [JsonPropertyName("correlationId")] public string? CorrelationId { get; set; }
    [JsonPropertyName("category")] public string? Category { get; set; }
    [JsonPropertyName("error")] public string? Error { get; set; }
    [JsonPropertyName("error_description")] public string? ErrorDescription { get; set; }
}

[JsonSerializable(typeof(TokenResponseDto))]
[JsonSerializable(typeof(AccessTokenInfoDto))]
[JsonSerializable(typeof(RefreshTokenInfoDto))]
[JsonSerializable(typeof(OAuthErrorDto))]
internal sealed partial class OAuthJsonContext : JsonSerializerContext;
