using Drover.Api;

namespace Drover.ControlPlane.Controllers.Deployments;

/// <summary>One decided change: size <see cref="ReplicaSet"/> to <see cref="Replicas"/>.</summary>
public sealed record ScaleStep(ReplicaSet ReplicaSet, int Replicas);
