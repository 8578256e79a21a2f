namespace Drover.Api;

/// <summary>
/// The body of POST …/pods/NAME/binding: assigns the pod to <see cref="Target"/> (a Node), as
/// Kubernetes' scheduler does. Never stored: it is an operation on the pod, not an object of its own.
/// </summary>
public sealed record Binding : KubeObject
{
    public ObjectReference Target { get; init; } = new();

    public override KubeObject WithStatusFrom(KubeObject? other) => this;
}
