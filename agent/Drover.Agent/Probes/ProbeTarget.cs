using Drover.Api;

namespace Drover.Agent.Probes;

/// <summary>What a probe runs against: the pod's IP and the container (its ports resolve named probe ports).</summary>
public sealed record ProbeTarget(string PodIp, string ContainerId, Container Container);
