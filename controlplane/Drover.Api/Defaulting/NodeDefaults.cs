namespace Drover.Api;

/// <summary>Kubernetes SetDefaults_NodeStatus.</summary>
internal static class NodeDefaults
{
    public static Node Apply(Node node)
    {
        // "spec:" left empty in YAML decodes as null; everything downstream (podCIDR allocation) expects one.
        if (node.Spec is null)
            node = node with { Spec = new NodeSpec() };
        // An agent that reports no reservations offers all of its capacity to the scheduler.
        if (node.Status is not { Capacity: { } capacity, Allocatable: null } status)
            return node;
        return node with { Status = status with { Allocatable = new Dictionary<string, Quantity>(capacity, capacity.Comparer) } };
    }
}
