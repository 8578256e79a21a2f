namespace Drover.Cli.Rollout;

/// <summary>One reading of a rollout: the line kubectl prints for it and whether the rollout is complete.</summary>
internal sealed record RolloutState(string Message, bool Done);
