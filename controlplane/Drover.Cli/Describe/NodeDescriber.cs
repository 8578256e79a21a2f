using Drover.Api;
using Drover.Cli.Output;
using Drover.Api.Printing;

namespace Drover.Cli.Describe;

internal static class NodeDescriber
{
    public static void Write(DescribeWriter w, Node node)
    {
        var status = node.Status;
        w.Field(0, "Roles", NodeColumns.Roles(node));
        var taints = node.Spec.Taints ?? [];
        if (taints.Count == 0)
        {
            w.Field(0, "Taints", Cells.None);
        }
        else
        {
            for (var i = 0; i < taints.Count; i++)
            {
                var t = taints[i];
                var text = string.IsNullOrEmpty(t.Value) ? $"{t.Key}:{t.Effect}" : $"{t.Key}={t.Value}:{t.Effect}";
                w.Line(0, (i == 0 ? "Taints:\t" : "\t") + text);
            }
        }
        w.Field(0, "Unschedulable", node.Spec.Unschedulable == true ? "true" : "false");
        var conditions = status?.Conditions ?? [];
        if (conditions.Count == 0)
        {
            w.Field(0, "Conditions", Cells.None);
        }
        else
        {
            w.Line(0, "Conditions:");
            w.Line(1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage");
            w.Line(1, "----\t------\t-----------------\t------------------\t------\t-------");
            foreach (var c in conditions)
                w.Line(1, $"{c.Type}\t{c.Status}\t{w.Timestamp(c.LastHeartbeatTime)}\t{w.Timestamp(c.LastTransitionTime)}\t{c.Reason}\t{c.Message}");
        }
        if (status?.Addresses is { Count: > 0 } addresses)
        {
            w.Line(0, "Addresses:");
            foreach (var a in addresses)
                w.Field(1, a.Type, a.Address);
        }
        Resources(w, "Capacity", status?.Capacity);
        Resources(w, "Allocatable", status?.Allocatable);
        if (status?.NodeInfo is { } info)
        {
            w.Line(0, "System Info:");
            w.Field(1, "Machine ID", info.MachineID);
            w.Field(1, "Boot ID", info.BootID);
            w.Field(1, "Kernel Version", info.KernelVersion);
            w.Field(1, "OS Image", info.OsImage);
            w.Field(1, "Operating System", info.OperatingSystem);
            w.Field(1, "Architecture", info.Architecture);
            w.Field(1, "Container Runtime Version", info.ContainerRuntimeVersion);
            w.Field(1, "Kubelet Version", info.KubeletVersion);
        }
        if (!string.IsNullOrEmpty(node.Spec.PodCIDR))
            w.Field(0, "PodCIDR", node.Spec.PodCIDR);
    }

    private static void Resources(DescribeWriter w, string title, Dictionary<string, Quantity>? resources)
    {
        if (resources is not { Count: > 0 })
            return;
        w.Line(0, title + ":");
        foreach (var (name, quantity) in resources.OrderBy(p => p.Key, StringComparer.Ordinal))
            w.Field(1, name, quantity.ToString());
    }
}
