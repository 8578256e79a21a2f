using System.Globalization;
using System.Text;
using System.Text.Json;
using Drover.Api;

namespace Drover.Cli.Streams;

/// <summary>
/// The final Status of an exec or attach session (v4's error channel or stream, JSON) as kubectl reads it: none or
/// Success is exit code 0, NonZeroExitCode carries the code in its ExitCode cause, anything else is an error message.
/// </summary>
internal static class RemoteCommandStatus
{
    /// <summary>A Status larger than this is not one the runtime wrote.</summary>
    public const int MaxBytes = 64 * 1024;

    public static int ExitCode(byte[] json)
    {
        if (json.Length == 0)
            return 0;                                      // closed without a Status: as kubectl, nothing to report
        Status? status;
        try
        {
            status = JsonSerializer.Deserialize(json, ApiJsonContext.Default.Status);
        }
        catch (JsonException)
        {
            throw new CliException("error: " + Encoding.UTF8.GetString(json));
        }
        if (status is null || status.Outcome == "Success")
            return 0;
        if (status.Reason == "NonZeroExitCode"
            && status.Details?.Causes?.FirstOrDefault(c => c.Reason == "ExitCode")?.Message is { } text
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code))
        {
            return code;
        }
        throw new CliException("error: " + (status.Message ?? status.Reason ?? "the command failed"));
    }
}
