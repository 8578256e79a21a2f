using Drover.Api;

namespace Drover.ControlPlane.Registry.Strategies;

/// <summary>A namespace starts Active, as Kubernetes' namespace strategy sets it.</summary>
public sealed class NamespaceStrategy : ResourceStrategy
{
    public override KubeObject PrepareForCreate(KubeObject obj) =>
        obj is Namespace ns ? ns with { Status = new NamespaceStatus { Phase = "Active" } } : base.PrepareForCreate(obj);
}
