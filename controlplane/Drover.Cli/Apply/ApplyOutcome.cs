using Drover.Api;

namespace Drover.Cli.Apply;

internal enum ApplyOutcome
{
    Created,
    Configured,
    Unchanged,
    ServerSideApplied,
}

/// <summary>What one apply did, and the object as the server has it (or would have it, on a dry run; null on a client dry run).</summary>
internal sealed record ApplyResult(ApplyOutcome Outcome, KubeObject? Object)
{
    /// <summary>kubectl's word for it: created, configured, unchanged, serverside-applied.</summary>
    public string Verb => Outcome == ApplyOutcome.ServerSideApplied ? "serverside-applied" : Outcome.ToString().ToLowerInvariant();
}
