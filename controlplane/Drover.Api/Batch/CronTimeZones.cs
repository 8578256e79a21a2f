namespace Drover.Api;

/// <summary>
/// A CronJob's spec.timeZone: an IANA name ("Europe/Berlin", "Etc/UTC") from the system's tz database; none is UTC
/// (Kubernetes uses the controller manager's local zone there, which on a server is UTC in practice).
/// </summary>
public static class CronTimeZones
{
    public const int MaxLength = 64;

    public static bool TryFind(string? id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrEmpty(id))
        {
            zone = TimeZoneInfo.Utc;
            return true;
        }
        // The id becomes a path under the tz database: nothing but a zone name's characters, no "..".
        if (id.Length > MaxLength || id.Contains("..", StringComparison.Ordinal) || id[0] == '/'
            || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+'))
            return false;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out zone);
    }
}
