using Drover.Api;

namespace Drover.Api.Printing;

public static class NodeColumns
{
    private const string RolePrefix = WellKnownLabels.NodeRolePrefix;

    public static IReadOnlyList<Column> All { get; } =
    [
        Column.Name,
        Column.Of<Node>("STATUS", n => Status(n)),
        Column.Of<Node>("ROLES", n => Roles(n)),
        Column.Age,
        Column.Of<Node>("VERSION", n => n.Status?.NodeInfo?.KubeletVersion ?? ""),
        Column.Of<Node>("INTERNAL-IP", n => Address(n, "InternalIP"), wideOnly: true),
        Column.Of<Node>("OS-IMAGE", n => n.Status?.NodeInfo?.OsImage ?? "<unknown>", wideOnly: true),
        Column.Of<Node>("KERNEL-VERSION", n => n.Status?.NodeInfo?.KernelVersion ?? "<unknown>", wideOnly: true),
        Column.Of<Node>("CONTAINER-RUNTIME", n => n.Status?.NodeInfo?.ContainerRuntimeVersion ?? "<unknown>", wideOnly: true),
    ];

    public static string Status(Node node)
    {
        var ready = node.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        var status = ready?.Status switch
        {
            "True" => "Ready",
            "False" => "NotReady",
            _ => "Unknown",
        };
        return node.Spec.Unschedulable == true ? status + ",SchedulingDisabled" : status;
    }

    public static string Roles(Node node)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in node.Metadata.Labels ?? [])
        {
            if (key.StartsWith(RolePrefix, StringComparison.Ordinal) && key.Length > RolePrefix.Length)
                roles.Add(key[RolePrefix.Length..]);
            else if (key == WellKnownLabels.Role && value.Length > 0)
                roles.Add(value);
        }
        return roles.Count == 0 ? Cells.None : string.Join(",", roles);
    }

    public static string Address(Node node, string type) =>
        Cells.OrNone(node.Status?.Addresses?.FirstOrDefault(a => a.Type == type)?.Address);
}
