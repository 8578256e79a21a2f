using Drover.Api;
using Drover.Cli.Output;
using Drover.Api.Printing;

namespace Drover.Cli.Describe;

internal static class PodDescriber
{
    public static void Write(DescribeWriter w, Pod pod)
    {
        var status = pod.Status;
        var node = pod.Spec.NodeName is { Length: > 0 } name ? (status?.HostIP is { Length: > 0 } host ? $"{name}/{host}" : name) : Cells.None;
        w.Field(0, "Service Account", pod.Spec.ServiceAccountName ?? "default");
        w.Field(0, "Node", node);
        w.Field(0, "Start Time", status?.StartTime is null ? "<unset>" : w.Timestamp(status.StartTime));
        if (pod.Metadata.DeletionTimestamp is { } deleting)
            w.Field(0, "Status", $"Terminating (lasts {HumanDuration.Format(w.Now - deleting)})");
        else
            w.Field(0, "Status", PodColumns.Status(pod));
        if (!string.IsNullOrEmpty(status?.Reason))
            w.Field(0, "Reason", status.Reason);
        if (!string.IsNullOrEmpty(status?.Message))
            w.Field(0, "Message", status.Message);
        w.Field(0, "IP", status?.PodIP);
        if (pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner)
            w.Field(0, "Controlled By", $"{owner.Kind}/{owner.Name}");
        if (pod.Spec.InitContainers is { Count: > 0 } init)
            ContainerSection.Write(w, 0, "Init Containers", init, status?.InitContainerStatuses);
        ContainerSection.Write(w, 0, "Containers", pod.Spec.Containers, status?.ContainerStatuses ?? []);
        Describers.Conditions(w, status?.Conditions?.Select(c => (c.Type, c.Status, c.Reason)), withReason: false);
        w.Field(0, "QoS Class", status?.QosClass ?? "");
        w.Map(0, "Node-Selectors", pod.Spec.NodeSelector);
        var tolerations = pod.Spec.Tolerations?.Select(Toleration).ToList() ?? [];
        w.Field(0, "Tolerations", tolerations.Count == 0 ? Cells.None : string.Join(", ", tolerations));
    }

    private static string Toleration(Toleration t)
    {
        var text = t.Key ?? "";
        if (t.Operator != "Exists" && !string.IsNullOrEmpty(t.Value))
            text += "=" + t.Value;
        if (!string.IsNullOrEmpty(t.Effect))
            text += ":" + t.Effect;
        if (t.Operator == "Exists" && string.IsNullOrEmpty(t.Key))
            text = "op=Exists" + (string.IsNullOrEmpty(t.Effect) ? "" : ":" + t.Effect);
        if (t.TolerationSeconds is { } seconds)
            text += FormattableString.Invariant($" for {seconds}s");
        return text;
    }
}
