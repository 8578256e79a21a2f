using Drover.Api;

namespace Drover.ControlPlane.Registry.Strategies;

/// <summary>The rules of kinds with nothing particular: a new object starts without status, goes at once when deleted.</summary>
public class ResourceStrategy : IResourceStrategy
{
    public static ResourceStrategy Default { get; } = new();

    public virtual KubeObject PrepareForCreate(KubeObject obj) => obj.WithStatusFrom(null);

    public virtual KubeObject Canonicalize(KubeObject admitted) => admitted;

    public virtual Task<KubeObject> CreateAsync(KubeObject obj, Func<KubeObject, Task<KubeObject>> write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(write);
        return write(obj);
    }

    public virtual KubeObject PrepareForUpdate(KubeObject incoming, KubeObject existing) => incoming;

    public virtual Task<KubeObject> UpdateAsync(KubeObject updated, KubeObject existing, Func<KubeObject, Task<KubeObject>> write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(write);
        return write(updated);
    }

    public virtual Task RemovedAsync(KubeObject removed, CancellationToken ct) => Task.CompletedTask;

    public virtual long GracePeriodSeconds(KubeObject existing, long? requested) => 0;

    public virtual bool AwaitsGracefulDeletion(KubeObject obj) => false;
}
