namespace Drover.Cli.Drain;

/// <summary>drain's flags: <see cref="GracePeriod"/> null keeps each pod's own; <see cref="Timeout"/> zero waits forever.</summary>
internal sealed record DrainSettings(bool Force, bool IgnoreDaemonSets, long? GracePeriod, TimeSpan Timeout, string? PodSelector);
