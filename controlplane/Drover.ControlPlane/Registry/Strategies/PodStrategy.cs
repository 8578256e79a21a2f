using Drover.Api;

namespace Drover.ControlPlane.Registry.Strategies;

/// <summary>
/// Pods start Pending with their QoS class (Kubernetes records it at create, so a pod no node has reported yet shows
/// it). A pod bound to a node is only marked when deleted: its node stops it within the grace period and then
/// removes it, as the kubelet does; an unbound pod goes at once.
/// </summary>
public sealed class PodStrategy : ResourceStrategy
{
    public const long DefaultGracePeriodSeconds = 30;

    public override KubeObject PrepareForCreate(KubeObject obj) =>
        obj is Pod pod ? pod with { Status = new PodStatus { Phase = PodPhases.Pending } } : base.PrepareForCreate(obj);

    public override KubeObject Canonicalize(KubeObject admitted) =>
        admitted is Pod pod ? pod with { Status = (pod.Status ?? new PodStatus()) with { QosClass = PodQos.Of(pod.Spec) } } : admitted;

    public override long GracePeriodSeconds(KubeObject existing, long? requested) =>
        existing is Pod { Spec.NodeName: { Length: > 0 } } pod ? requested ?? pod.Spec.TerminationGracePeriodSeconds ?? DefaultGracePeriodSeconds : 0;

    public override bool AwaitsGracefulDeletion(KubeObject obj) =>
        obj is Pod { Spec.NodeName: { Length: > 0 } } && obj.Metadata.DeletionGracePeriodSeconds > 0;
}
