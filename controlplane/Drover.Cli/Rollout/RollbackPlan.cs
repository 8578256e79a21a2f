using Drover.Api;

namespace Drover.Cli.Rollout;

/// <summary>
/// What `rollout undo` will do: write <see cref="Updated"/> (the Deployment with the old template), or nothing
/// when it is null because the template already matches <see cref="Revision"/>.
/// </summary>
internal sealed record RollbackPlan(long Revision, Deployment? Updated);
