using System.Globalization;

namespace Drover.Api;

/// <summary>
/// resourceVersion as droverd hands it out: the decimal store revision of the object's last write. Every reader
/// that compares versions (the registry's preconditions, the scheduler, the agent) parses it here, one way.
/// </summary>
public static class ResourceVersions
{
    /// <summary>The revision <paramref name="obj"/> carries, or 0 when it carries none (an object never read from the server).</summary>
    public static long Of(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return TryParse(obj.Metadata.ResourceVersion, out var revision) ? revision : 0;
    }

    /// <summary>Digits only, no sign, no spaces, fits a long: what the server writes.</summary>
    public static bool TryParse(string? text, out long revision) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out revision);
}
