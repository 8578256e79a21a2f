using Drover.Api;

namespace Drover.Cli.Scaling;

/// <summary>`scale`'s --current-replicas and --resource-version: what must hold before the replicas change.</summary>
internal sealed record ScalePreconditions(int? CurrentReplicas, string? ResourceVersion)
{
    public bool Any => CurrentReplicas is not null || !string.IsNullOrEmpty(ResourceVersion);

    /// <summary>The options as given: a negative --current-replicas (the default -1) means "no precondition".</summary>
    public static ScalePreconditions From(int currentReplicas, string? resourceVersion) =>
        new(currentReplicas >= 0 ? currentReplicas : null, string.IsNullOrEmpty(resourceVersion) ? null : resourceVersion);

    /// <summary>Throws kubectl's "Expected replicas to be 2, was 3" when <paramref name="current"/> does not satisfy them.</summary>
    public void Check(Scale current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var replicas = current.Spec.Replicas ?? 0;
        if (CurrentReplicas is { } expected && expected != replicas)
            throw new CliException($"error: Expected replicas to be {expected}, was {replicas}");
        if (ResourceVersion is { } version && version != current.Metadata.ResourceVersion)
            throw new CliException($"error: Expected resource version to be {version}, was {current.Metadata.ResourceVersion}");
    }

    /// <summary>--replicas must be given and not negative; kubectl's message, naming the value.</summary>
    public static int ValidateReplicas(int? replicas)
    {
        if (replicas is null)
            throw new CliException("error: required flag(s) \"replicas\" not set: give --replicas=COUNT");
        if (replicas < 0)
            throw new CliException($"error: invalid --replicas={replicas}: the --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
        return replicas.Value;
    }
}
