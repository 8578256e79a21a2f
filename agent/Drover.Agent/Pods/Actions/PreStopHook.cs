using Drover.Api;

namespace Drover.Agent.Pods.Actions;

/// <summary>A running container whose preStop hook runs before it is stopped.</summary>
internal sealed record PreStopHook(string ContainerId, Container Spec);
