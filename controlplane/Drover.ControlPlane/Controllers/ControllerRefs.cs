using Drover.Api;

namespace Drover.ControlPlane.Controllers;

/// <summary>
/// The controller ownerReference: the one owner (controller=true) that manages an object. Kubernetes lets
/// an object have many owners but only one controller, and a controller only ever acts on what it controls.
/// </summary>
public static class ControllerRefs
{
    public static OwnerReference? ControllerOf(ObjectMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        if (meta.OwnerReferences is not { } refs)
            return null;
        foreach (var reference in refs)
        {
            if (reference.Controller == true)
                return reference;
        }
        return null;
    }

    /// <summary>A reference that makes <paramref name="owner"/> the controller; blockOwnerDeletion as Kubernetes' controllers set it.</summary>
    public static OwnerReference For(ResourceType ownerType, KubeObject owner)
    {
        ArgumentNullException.ThrowIfNull(ownerType);
        ArgumentNullException.ThrowIfNull(owner);
        return new OwnerReference
        {
            ApiVersion = ownerType.ApiVersion,
            Kind = ownerType.Kind,
            Name = owner.Metadata.Name ?? "",
            Uid = owner.Metadata.Uid ?? "",
            Controller = true,
            BlockOwnerDeletion = true,
        };
    }

    /// <summary>Metadata with <paramref name="controller"/> added (adoption of an orphan).</summary>
    public static ObjectMeta WithController(ObjectMeta meta, OwnerReference controller)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(controller);
        var refs = meta.OwnerReferences is { } existing ? new List<OwnerReference>(existing) : [];
        refs.RemoveAll(r => r.Uid == controller.Uid);
        refs.Add(controller);
        return meta with { OwnerReferences = refs };
    }

    /// <summary>Metadata without the reference to <paramref name="ownerUid"/> (release of an object that stopped matching).</summary>
    public static ObjectMeta WithoutOwner(ObjectMeta meta, string ownerUid)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var refs = meta.OwnerReferences?.Where(r => r.Uid != ownerUid).ToList();
        return meta with { OwnerReferences = refs is { Count: > 0 } ? refs : null };
    }

    /// <summary>Whether <paramref name="meta"/>'s controller is <paramref name="ownerType"/> named and identified as <paramref name="owner"/>.</summary>
    public static bool IsControlledBy(ObjectMeta meta, ResourceType ownerType, KubeObject owner)
    {
        ArgumentNullException.ThrowIfNull(ownerType);
        ArgumentNullException.ThrowIfNull(owner);
        return ControllerOf(meta) is { } reference && reference.Kind == ownerType.Kind && reference.Uid == owner.Metadata.Uid;
    }
}
