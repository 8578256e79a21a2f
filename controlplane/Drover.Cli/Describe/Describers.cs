using Drover.Api;
using Drover.Api.Printing;

namespace Drover.Cli.Describe;

/// <summary>Picks the kind-specific description and appends the events every description ends with.</summary>
internal static class Describers
{
    public static string Describe(DescribeInput input, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(input);
        var w = new DescribeWriter(now, zone);
        w.Metadata(input.Object, input.Type.Namespaced);
        switch (input.Object)
        {
            case Pod pod: PodDescriber.Write(w, pod); break;
            case Deployment deployment: DeploymentDescriber.Write(w, deployment); break;
            case Service service: ServiceDescriber.Write(w, service, input.Endpoints); break;
            case Node node: NodeDescriber.Write(w, node); break;
            case HorizontalPodAutoscaler hpa: HpaDescriber.Write(w, hpa); break;
            default: GenericDescriber.Write(w, input.Type, input.Object); break;
        }
        EventsSection.Write(w, input.Events);
        return w.Flush();
    }

    /// <summary>kubectl's conditions table: "Type  Status  Reason" under a title.</summary>
    public static void Conditions(DescribeWriter w, IEnumerable<(string Type, string Status, string? Reason)>? conditions, bool withReason)
    {
        var list = conditions?.ToList() ?? [];
        if (list.Count == 0)
        {
            w.Field(0, "Conditions", "<none>");
            return;
        }
        w.Line(0, "Conditions:");
        w.Line(1, withReason ? "Type\tStatus\tReason" : "Type\tStatus");
        w.Line(1, withReason ? "----\t------\t------" : "----\t------");
        foreach (var (type, status, reason) in list)
            w.Line(1, withReason ? $"{type}\t{status}\t{reason}" : $"{type}\t{status}");
    }
}
