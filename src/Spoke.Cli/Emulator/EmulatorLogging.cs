using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Spoke.Cli.Emulator;

/// <summary>
/// The <c>spoke emulator</c> log: errors only, one line each, on stderr (stdout carries the lines scripts wait for).
/// A 500 body tells the caller to quote its correlation id; this is where that id can be looked up.
/// </summary>
internal static class EmulatorLogging
{
    public static void ErrorsToStderr(ILoggingBuilder logging)
    {
        logging.SetMinimumLevel(LogLevel.Error);
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // The host's own start-up failures (a port in use) are reported by the command in one clear line instead.
        logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
    }
}
