using System.CommandLine;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Output;
using Drover.Cli.Top;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover top nodes|pods`: resource usage from droverd's metrics.k8s.io API (what the agents measured over the last
/// interval), printed as kubectl top prints it.
/// </summary>
internal static class TopCommand
{
    private const string MetricsApi = "/apis/metrics.k8s.io/v1beta1";

    public static Command Create(CliContext context)
    {
        var command = new Command("top", "Display resource (cpu/memory) usage of nodes or pods");
        command.Subcommands.Add(Nodes(context));
        command.Subcommands.Add(Pods(context));
        return command;
    }

    private static Command Nodes(CliContext context)
    {
        var name = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "One node; all when omitted" };
        var noHeaders = new Option<bool>("--no-headers") { Description = "Print without the header row" };
        var command = new Command("nodes", "Display resource usage of nodes") { name, noHeaders };
        command.Aliases.Add("node");
        command.Aliases.Add("no");
        command.SetAction(async (parse, ct) =>
        {
            using var session = CommandSession.Open(parse);
            var one = parse.GetValue(name);
            var metrics = one is null
                ? (await GetAsync(session.Client, MetricsApi + "/nodes", MetricsJsonContext.Default.NodeMetricsList, ct).ConfigureAwait(false)).Items
                : [await GetAsync(session.Client, MetricsApi + "/nodes/" + Uri.EscapeDataString(one), MetricsJsonContext.Default.NodeMetrics, ct).ConfigureAwait(false)];
            if (metrics.Count == 0)
                throw new CliException("error: metrics not available yet");
            var nodes = (await session.Client.ListAsync(ResourceTypes.Nodes, null, ct: ct).ConfigureAwait(false)).Items
                .OfType<Node>().ToDictionary(n => n.Metadata.Name!, StringComparer.Ordinal);
            var rows = new List<string[]>();
            if (!parse.GetValue(noHeaders))
                rows.Add(["NAME", "CPU(cores)", "CPU%", "MEMORY(bytes)", "MEMORY%"]);
            foreach (var m in metrics)
            {
                var allocatable = nodes.TryGetValue(m.Metadata.Name!, out var node) ? node.Status?.Allocatable : null;
                var cpu = TopTable.Usage(m.Usage, "cpu");
                var memory = TopTable.Usage(m.Usage, "memory");
                rows.Add([m.Metadata.Name!, TopTable.Cpu(cpu), TopTable.Percent(cpu, Allocatable(allocatable, "cpu"), milli: true),
                    TopTable.Memory(memory), TopTable.Percent(memory, Allocatable(allocatable, "memory"), milli: false)]);
            }
            // kubectl lists nodes without metrics last, as <unknown>, so a node whose agent stopped reporting shows.
            if (one is null)
            {
                foreach (var missing in nodes.Keys.Except(metrics.Select(m => m.Metadata.Name!)).Order(StringComparer.Ordinal))
                    rows.Add([missing, "<unknown>", "<unknown>", "<unknown>", "<unknown>"]);
            }
            await context.Out.WriteAsync(new TablePrinter([], wide: false, withNamespace: false).Format(rows)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command Pods(CliContext context)
    {
        var name = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "One pod; all in the namespace when omitted" };
        var allNamespaces = new Option<bool>("--all-namespaces", "-A") { Description = "Across all namespaces" };
        var selector = new Option<string?>("--selector", "-l") { Description = "Label selector, e.g. app=my-app" };
        var containers = new Option<bool>("--containers") { Description = "One row per container" };
        var noHeaders = new Option<bool>("--no-headers") { Description = "Print without the header row" };
        var command = new Command("pods", "Display resource usage of pods") { name, allNamespaces, selector, containers, noHeaders };
        command.Aliases.Add("pod");
        command.Aliases.Add("po");
        command.SetAction(async (parse, ct) =>
        {
            using var session = CommandSession.Open(parse);
            var one = parse.GetValue(name);
            var all = parse.GetValue(allNamespaces) && one is null;
            var scope = all ? MetricsApi : $"{MetricsApi}/namespaces/{Uri.EscapeDataString(session.Namespace)}";
            List<PodMetrics> metrics;
            if (one is not null)
            {
                metrics = [await GetAsync(session.Client, $"{scope}/pods/{Uri.EscapeDataString(one)}", MetricsJsonContext.Default.PodMetrics, ct).ConfigureAwait(false)];
            }
            else
            {
                var query = parse.GetValue(selector) is { Length: > 0 } s ? "?labelSelector=" + Uri.EscapeDataString(s) : "";
                metrics = (await GetAsync(session.Client, $"{scope}/pods{query}", MetricsJsonContext.Default.PodMetricsList, ct).ConfigureAwait(false)).Items;
            }
            if (metrics.Count == 0)
                throw new CliException(all ? "error: metrics not available yet" : $"No resources found in {session.Namespace} namespace.");
            var perContainer = parse.GetValue(containers);
            var rows = new List<string[]>();
            if (!parse.GetValue(noHeaders))
            {
                string[] header = perContainer ? ["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"] : ["NAME", "CPU(cores)", "MEMORY(bytes)"];
                rows.Add(all ? ["NAMESPACE", .. header] : header);
            }
            foreach (var pod in metrics)
            {
                if (perContainer)
                {
                    foreach (var c in pod.Containers)
                        rows.Add(Prefixed(all, pod, [pod.Metadata.Name!, c.Name, TopTable.Cpu(TopTable.Usage(c.Usage, "cpu")), TopTable.Memory(TopTable.Usage(c.Usage, "memory"))]));
                    continue;
                }
                var cpu = Sum(pod, "cpu");
                var memory = Sum(pod, "memory");
                rows.Add(Prefixed(all, pod, [pod.Metadata.Name!, TopTable.Cpu(cpu), TopTable.Memory(memory)]));
            }
            await context.Out.WriteAsync(new TablePrinter([], wide: false, withNamespace: false).Format(rows)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static string[] Prefixed(bool all, PodMetrics pod, string[] cells) => all ? [pod.Metadata.Namespace ?? "", .. cells] : cells;

    private static Quantity Sum(PodMetrics pod, string resource)
    {
        var total = Quantity.Zero;
        foreach (var c in pod.Containers)
        {
            if (c.Usage.TryGetValue(resource, out var q))
                total += q;
        }
        return total;
    }

    private static Quantity? Allocatable(Dictionary<string, Quantity>? allocatable, string resource) =>
        allocatable is not null && allocatable.TryGetValue(resource, out var q) ? q : null;

    private static async Task<T> GetAsync<T>(DroverClient client, string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
    {
        var body = await client.GetRawAsync(path, ct).ConfigureAwait(false);
        return JsonSerializer.Deserialize(body, type) ?? throw new CliException($"error: droverd answered {path} with an empty body");
    }
}
