using System.Globalization;
using Drover.Api;
using Drover.Api.Printing;
using Drover.Cli.Output;

namespace Drover.Cli.Describe;

/// <summary>Containers as kubectl describes them, for pods (with state) and pod templates (without).</summary>
internal static class ContainerSection
{
    public static void Write(DescribeWriter w, int level, string title, IReadOnlyList<Container> containers, IReadOnlyList<ContainerStatus>? statuses)
    {
        if (containers.Count == 0)
        {
            w.Field(level, title, Cells.None);
            return;
        }
        w.Line(level, title + ":");
        foreach (var container in containers)
        {
            var status = statuses?.FirstOrDefault(s => s.Name == container.Name);
            w.Line(level + 1, container.Name + ":");
            var inner = level + 2;
            if (status?.ContainerID is { } id)
                w.Field(inner, "Container ID", id);
            w.Field(inner, "Image", container.Image);
            if (status is not null)
                w.Field(inner, "Image ID", status.ImageID);
            w.Field(inner, "Port", Ports(container, p => $"{p.Port}/{p.Protocol ?? "TCP"}"));
            w.Field(inner, "Host Port", Ports(container, p => $"{p.HostPort ?? 0}/{p.Protocol ?? "TCP"}"));
            if (container.Command is { Count: > 0 })
                List(w, inner, "Command", container.Command);
            if (container.Args is { Count: > 0 })
                List(w, inner, "Args", container.Args);
            if (status is not null)
            {
                State(w, inner, "State", status.State);
                if (status.LastState is { Running: not null } or { Terminated: not null } or { Waiting: not null })
                    State(w, inner, "Last State", status.LastState);
                w.Field(inner, "Ready", status.Ready ? "True" : "False");
                w.Field(inner, "Restart Count", status.RestartCount.ToString(CultureInfo.InvariantCulture));
            }
            Resources(w, inner, "Limits", container.Resources?.Limits);
            Resources(w, inner, "Requests", container.Resources?.Requests);
            if (container.LivenessProbe is { } liveness)
                w.Field(inner, "Liveness", Probe(liveness));
            if (container.ReadinessProbe is { } readiness)
                w.Field(inner, "Readiness", Probe(readiness));
            if (container.StartupProbe is { } startup)
                w.Field(inner, "Startup", Probe(startup));
            if (container.Env is not { Count: > 0 } env)
            {
                w.Field(inner, "Environment", Cells.None);
            }
            else
            {
                w.Line(inner, "Environment:");
                foreach (var variable in env)
                    w.Field(inner + 1, variable.Name, variable.Value);
            }
            w.Field(inner, "Mounts", Cells.None);
        }
    }

    private static string Ports(Container container, Func<ContainerPort, string> render) =>
        container.Ports is { Count: > 0 } ports ? string.Join(", ", ports.Select(render)) : Cells.None;

    private static void List(DescribeWriter w, int level, string title, List<string> items)
    {
        w.Line(level, title + ":");
        foreach (var item in items)
            w.Line(level + 1, item);
    }

    private static void Resources(DescribeWriter w, int level, string title, Dictionary<string, Quantity>? resources)
    {
        if (resources is not { Count: > 0 })
            return;
        w.Line(level, title + ":");
        foreach (var (name, quantity) in resources.OrderBy(p => p.Key, StringComparer.Ordinal))
            w.Field(level + 1, name, quantity.ToString());
    }

    private static void State(DescribeWriter w, int level, string title, ContainerState? state)
    {
        if (state?.Running is { } running)
        {
            w.Field(level, title, "Running");
            w.Field(level + 1, "Started", w.Timestamp(running.StartedAt));
        }
        else if (state?.Terminated is { } terminated)
        {
            w.Field(level, title, "Terminated");
            w.Field(level + 1, "Reason", terminated.Reason);
            if (!string.IsNullOrEmpty(terminated.Message))
                w.Field(level + 1, "Message", terminated.Message);
            w.Field(level + 1, "Exit Code", terminated.ExitCode.ToString(CultureInfo.InvariantCulture));
            w.Field(level + 1, "Started", w.Timestamp(terminated.StartedAt));
            w.Field(level + 1, "Finished", w.Timestamp(terminated.FinishedAt));
        }
        else if (state?.Waiting is { } waiting)
        {
            w.Field(level, title, "Waiting");
            w.Field(level + 1, "Reason", waiting.Reason);
            if (!string.IsNullOrEmpty(waiting.Message))
                w.Field(level + 1, "Message", waiting.Message);
        }
        else
        {
            w.Field(level, title, "Waiting");
        }
    }

    /// <summary>kubectl's describeProbe: "http-get http://:3000/health delay=5s timeout=1s period=10s #success=1 #failure=3".</summary>
    public static string Probe(Probe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        string action;
        if (probe.HttpGet is { } http)
            action = $"http-get {(http.Scheme ?? "HTTP").ToLowerInvariant()}://{http.Host}:{http.Port}{http.Path}";
        else if (probe.TcpSocket is { } tcp)
            action = $"tcp-socket {tcp.Host}:{tcp.Port}";
        else if (probe.Exec is { } exec)
            action = "exec [" + string.Join(" ", exec.Command ?? []) + "]";
        else
            action = "unknown";
        return FormattableString.Invariant(
            $"{action} delay={probe.InitialDelaySeconds ?? 0}s timeout={probe.TimeoutSeconds ?? 1}s period={probe.PeriodSeconds ?? 10}s #success={probe.SuccessThreshold ?? 1} #failure={probe.FailureThreshold ?? 3}");
    }
}
