using System.CommandLine;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;
using Drover.Cli.Pods;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover logs POD|TYPE/NAME [-c CONTAINER | --all-containers] [-f] [--tail N] [--timestamps] [-p]`: a container's
/// log through droverd, which fetches it from the pod's node. TYPE/NAME (deploy, rs, ds, job, svc) reads one of the
/// pods the object selects, as kubectl does (<see cref="PodTarget"/>). Text is written as it arrives, so -f shows
/// lines as they are written; --all-containers reads every container in turn (init containers first), or, with -f,
/// all at once, whole lines interleaved.
/// </summary>
internal static class LogsCommand
{
    public static Command Create(CliContext context)
    {
        var pod = new Argument<string>("POD") { Description = "The pod (NAME or pod/NAME), or TYPE/NAME of a deployment, replicaset, daemonset, job or service: one of the pods it selects" };
        var container = new Option<string?>("--container", "-c") { Description = "The container; needed when the pod has more than one" };
        var allContainers = new Option<bool>("--all-containers") { Description = "The logs of every container in the pod (init containers first)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep streaming new lines until the container exits (Ctrl-C to stop)" };
        var tail = new Option<long>("--tail")
        {
            Description = "Lines of the end of the log to show; -1 shows all",
            DefaultValueFactory = _ => -1,
        };
        var timestamps = new Option<bool>("--timestamps") { Description = "Prefix each line with the time the runtime recorded it (RFC 3339)" };
        var previous = new Option<bool>("--previous", "-p") { Description = "The log of the previous, terminated run of the container" };
        var podRunningTimeout = PodRunningTimeout.Option("20s");
        var command = new Command("logs", "Print the logs of a container in a pod");
        command.Arguments.Add(pod);
        command.Options.Add(container);
        command.Options.Add(allContainers);
        command.Options.Add(follow);
        command.Options.Add(tail);
        command.Options.Add(timestamps);
        command.Options.Add(previous);
        command.Options.Add(podRunningTimeout);
        command.SetAction((parse, ct) =>
        {
            var tailLines = parse.GetValue(tail);
            var all = parse.GetValue(allContainers);
            if (all && parse.GetValue(container) is { } named)
                throw new CliException($"error: --all-containers=true should not be specified with container name {named}");
            var request = new LogsRequest(
                parse.GetValue(pod)!, parse.GetValue(container), all, parse.GetValue(follow),
                tailLines, parse.GetValue(timestamps), parse.GetValue(previous),
                PodRunningTimeout.Parse(parse.GetValue(podRunningTimeout)));
            return RunAsync(context, parse, request, ct);
        });
        return command;
    }

    private sealed record LogsRequest(string Target, string? Container, bool AllContainers, bool Follow, long TailLines, bool Timestamps, bool Previous, TimeSpan PodRunningTimeout);

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, LogsRequest request, CancellationToken ct)
    {
        using var session = CommandSession.Open(parse);
        var podName = (await PodTarget.ForLogsAsync(session.Client, session.Namespace, request.Target, request.PodRunningTimeout, context.Error, context.Time, ct).ConfigureAwait(false)).Pod.Metadata.Name!;
        // kubectl's Validate, which runs once Complete has read the object.
        if (request.TailLines < -1)
            throw new CliException("error: --tail must be greater than or equal to -1");
        IReadOnlyList<string?> containers = [request.Container];
        if (request.AllContainers)
        {
            var pod = await session.Client.GetAsync(ResourceTypes.Pods, session.Namespace, podName, ct).ConfigureAwait(false);
            containers = [.. (pod.Spec.InitContainers ?? []).Select(c => c.Name), .. pod.Spec.Containers.Select(c => c.Name)];
        }
        try
        {
            if (request.Follow && containers.Count > 1)
            {
                // kubectl follows every container at once; whole lines keep one container's output from cutting into another's.
                using var gate = new SemaphoreSlim(1, 1);
                await Task.WhenAll(containers.Select(c => CopyAsync(session, podName, c, request, new LineWriter(context.Out, gate), ct))).ConfigureAwait(false);
            }
            else
            {
                foreach (var c in containers)
                    await CopyAsync(session, podName, c, request, new LineWriter(context.Out, gate: null), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && request.Follow)
        {
            // Ctrl-C is how following ends.
        }
        catch (IOException e)
        {
            throw new CliException($"error: the log stream of pod {podName} broke off: {e.Message}");
        }

        return 0;
    }

    private static async Task CopyAsync(CommandSession session, string podName, string? container, LogsRequest request, LineWriter output, CancellationToken ct)
    {
        var path = DroverClient.PodLogPath(session.Namespace, podName, container, request.Follow, request.TailLines == -1 ? null : request.TailLines, request.Timestamps, request.Previous);
        using var body = await session.Client.GetStreamAsync(path, ct).ConfigureAwait(false);
        // A line's bytes may be split between reads: the decoder keeps an unfinished character for the next one.
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        int read;
        while ((read = await body.ReadAsync(bytes, ct).ConfigureAwait(false)) > 0)
        {
            var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            await output.WriteAsync(chars.AsMemory(0, count), ct).ConfigureAwait(false);
        }
        await output.FlushRestAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a stream's text as it comes; with a <paramref name="gate"/> (streams sharing the output) only whole lines,
    /// under the gate, holding back a line's start until its end arrives.
    /// </summary>
    private sealed class LineWriter(TextWriter output, SemaphoreSlim? gate)
    {
        private readonly StringBuilder _partial = new();

        public async Task WriteAsync(ReadOnlyMemory<char> text, CancellationToken ct)
        {
            if (gate is null)
            {
                await output.WriteAsync(text, ct).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
                return;
            }
            var end = text.Span.LastIndexOf('\n');
            if (end < 0)
            {
                _partial.Append(text.Span);
                return;
            }
            _partial.Append(text.Span[..(end + 1)]);
            await WriteGatedAsync(ct).ConfigureAwait(false);
            _partial.Append(text.Span[(end + 1)..]);
        }

        public Task FlushRestAsync(CancellationToken ct) => gate is null || _partial.Length == 0 ? Task.CompletedTask : WriteGatedAsync(ct);

        private async Task WriteGatedAsync(CancellationToken ct)
        {
            await gate!.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await output.WriteAsync(_partial.ToString().AsMemory(), ct).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
            _partial.Clear();
        }
    }
}
