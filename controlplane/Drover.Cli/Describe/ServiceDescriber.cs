using Drover.Api;
using Drover.Cli.Output;
using Drover.Api.Printing;

namespace Drover.Cli.Describe;

internal static class ServiceDescriber
{
    public static void Write(DescribeWriter w, Service service, Endpoints? endpoints)
    {
        var spec = service.Spec;
        w.Field(0, "Selector", Cells.Labels(spec.Selector));
        w.Field(0, "Type", spec.Type ?? "ClusterIP");
        w.Field(0, "IP", Cells.OrNone(spec.ClusterIP));
        if (spec.Type == "ExternalName")
            w.Field(0, "External Name", spec.ExternalName);
        var addresses = endpoints is null ? Cells.None : ServiceColumns.Addresses(endpoints);
        foreach (var port in spec.Ports ?? [])
        {
            var name = string.IsNullOrEmpty(port.Name) ? "<unset>" : port.Name;
            var protocol = port.Protocol ?? "TCP";
            w.Field(0, "Port", FormattableString.Invariant($"{name}\t{port.Port}/{protocol}"));
            var target = port.TargetPort?.ToString() ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            w.Field(0, "TargetPort", $"{target}/{protocol}");
            if (port.NodePort is > 0)
                w.Field(0, "NodePort", FormattableString.Invariant($"{name}\t{port.NodePort}/{protocol}"));
            w.Field(0, "Endpoints", addresses);
        }
        w.Field(0, "Session Affinity", spec.SessionAffinity ?? "None");
    }
}
