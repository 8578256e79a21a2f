using Drover.Api;

namespace Drover.ControlPlane.Events;

/// <summary>Records events as one component; never blocks and never throws for the API's sake (see <see cref="EventWriter"/>).</summary>
public sealed class EventRecorder
{
    private readonly EventWriter _writer;

    internal EventRecorder(EventWriter writer, string component)
    {
        _writer = writer;
        Component = component;
    }

    public string Component { get; }

    public void Normal(ResourceType type, KubeObject involved, string reason, string message) =>
        _writer.Record(Component, Reference(type, involved), "Normal", reason, message);

    public void Warning(ResourceType type, KubeObject involved, string reason, string message) =>
        _writer.Record(Component, Reference(type, involved), "Warning", reason, message);

    private static ObjectReference Reference(ResourceType type, KubeObject involved)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(involved);
        var meta = involved.Metadata;
        return new ObjectReference
        {
            ApiVersion = type.ApiVersion,
            Kind = type.Kind,
            // Events of cluster-scoped objects (nodes) live in "default", as Kubernetes puts them.
            Namespace = type.Namespaced ? meta.Namespace : null,
            Name = meta.Name,
            Uid = meta.Uid,
            ResourceVersion = meta.ResourceVersion,
        };
    }
}
