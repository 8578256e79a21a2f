using Drover.Api;

namespace Drover.ControlPlane.Controllers;

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
        _writer.Enqueue(type, involved, "Normal", Component, reason, message);

    public void Warning(ResourceType type, KubeObject involved, string reason, string message) =>
        _writer.Enqueue(type, involved, "Warning", Component, reason, message);
}
