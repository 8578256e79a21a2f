using System.CommandLine;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;
using Drover.Cli.Pods;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover logs (POD|TYPE/NAME [CONTAINER] | -l SELECTOR) [-c CONTAINER | --all-containers] [-f] [--tail N] [--since D |
/// --since-time T] [--limit-bytes N] [--timestamps] [--prefix] [-p]`: a container's log through droverd, which fetches it
/// from the pod's node. TYPE/NAME (deploy, rs, ds, job, svc) reads one of the pods the object selects, as kubectl does
/// (<see cref="PodTarget"/>); -l reads every pod the selector matches (the last 10 lines of each unless --tail says
/// otherwise, as kubectl). Without -c, the container is kubectl's default (<see cref="DefaultContainer"/>). Text is written
/// as it arrives, so -f shows lines as they are written; several logs are read in turn, or, with -f, all at once (at most
/// --max-log-requests), whole lines interleaved; --prefix starts each line with [pod/NAME/CONTAINER].
/// </summary>
internal static class LogsCommand
{
    /// <summary>kubectl's --tail for -l when none is given.</summary>
    private const long SelectorTail = 10;

    public static Command Create(CliContext context)
    {
        var target = new Argument<string[]>("POD")
        {
            Arity = new ArgumentArity(0, 2),
            Description = "The pod (NAME or pod/NAME), or TYPE/NAME of a deployment, replicaset, daemonset, job or service: one of the pods it selects; then, optionally, the CONTAINER",
        };
        var container = new Option<string?>("--container", "-c") { Description = "The container; when omitted, the one the kubectl.kubernetes.io/default-container annotation names, else the pod's first" };
        var allContainers = new Option<bool>("--all-containers") { Description = "The logs of every container in the pod (init containers first)" };
        var selector = new Option<string?>("--selector", "-l") { Description = "The logs of every pod this label selector matches (e.g. app=web), instead of POD" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep streaming new lines until the container exits (Ctrl-C to stop)" };
        var tail = new Option<long>("--tail")
        {
            Description = "Lines of the end of the log to show; -1 shows all (10 with -l)",
            DefaultValueFactory = _ => -1,
        };
        var since = new Option<string?>("--since") { Description = "Only lines written in this last span (e.g. 5s, 2m, 3h); not with --since-time" };
        var sinceTime = new Option<string?>("--since-time") { Description = "Only lines written at or after this RFC 3339 time (e.g. 2026-01-02T15:04:05Z); not with --since" };
        var limitBytes = new Option<long>("--limit-bytes") { Description = "Stop after this many bytes of log; 0: no limit" };
        var timestamps = new Option<bool>("--timestamps") { Description = "Prefix each line with the time the runtime recorded it (RFC 3339)" };
        var prefix = new Option<bool>("--prefix") { Description = "Start each line with its source, [pod/NAME/CONTAINER]" };
        var previous = new Option<bool>("--previous", "-p") { Description = "The log of the previous, terminated run of the container" };
        var maxLogRequests = new Option<int>("--max-log-requests")
        {
            Description = "With -f and several logs (-l, --all-containers), how many may be followed at once",
            DefaultValueFactory = _ => 5,
        };
        var podRunningTimeout = PodRunningTimeout.Option("20s");
        var command = new Command("logs", "Print the logs of a container in a pod");
        command.Arguments.Add(target);
        foreach (var option in new Option[] { container, allContainers, selector, follow, tail, since, sinceTime, limitBytes, timestamps, prefix, previous, maxLogRequests, podRunningTimeout })
            command.Options.Add(option);
        command.SetAction((parse, ct) =>
        {
            // kubectl's Complete: the arguments and flags alone, before any request.
            var args = parse.GetValue(target) ?? [];
            var labelSelector = parse.GetValue(selector);
            if (args.Length == 0 && string.IsNullOrEmpty(labelSelector))
                throw Usage("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command");
            if (args.Length > 0 && !string.IsNullOrEmpty(labelSelector))
                throw Usage("only a selector (-l) or a POD name is allowed");
            var tailLines = parse.GetValue(tail);
            if (!string.IsNullOrEmpty(labelSelector) && tailLines == -1 && parse.GetResult(tail) is null or { Implicit: true })
                tailLines = SelectorTail;
            var request = new LogsRequest(args.Length > 0 ? args[0] : null, string.IsNullOrEmpty(labelSelector) ? null : labelSelector)
            {
                Container = parse.GetValue(container),
                InlineContainer = args.Length > 1 ? args[1] : null,
                AllContainers = parse.GetValue(allContainers),
                Follow = parse.GetValue(follow),
                TailLines = tailLines,
                Since = SinceSeconds(parse.GetValue(since)),
                SinceTime = ParseSinceTime(parse.GetValue(sinceTime)),
                LimitBytes = parse.GetValue(limitBytes),
                Timestamps = parse.GetValue(timestamps),
                Prefix = parse.GetValue(prefix),
                Previous = parse.GetValue(previous),
                MaxLogRequests = parse.GetValue(maxLogRequests),
                PodRunningTimeout = PodRunningTimeout.Parse(parse.GetValue(podRunningTimeout)),
            };
            return RunAsync(context, parse, request, ct);
        });
        return command;
    }

    private static CliException Usage(string message) => new($"error: {message}\nSee 'drover logs -h' for help and examples");

    /// <summary>kubectl rounds --since to whole seconds; zero (the default) sends none.</summary>
    private static long? SinceSeconds(string? text)
    {
        var duration = GoDuration.Parse(text, "--since");
        return duration == TimeSpan.Zero ? null : (long)Math.Round(duration.TotalSeconds, MidpointRounding.AwayFromZero);
    }

    private static DateTimeOffset? ParseSinceTime(string? text) =>
        string.IsNullOrEmpty(text) ? null
        : Rfc3339.TryParse(text, out var time) ? time
        : throw new CliException($"error: invalid value \"{text}\" for --since-time: must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z");

    private sealed record LogsRequest(string? Target, string? Selector)
    {
        public string? Container { get; init; }
        public string? InlineContainer { get; init; }
        public bool AllContainers { get; init; }
        public bool Follow { get; init; }
        public long TailLines { get; init; }
        public long? Since { get; init; }
        public DateTimeOffset? SinceTime { get; init; }
        public long LimitBytes { get; init; }
        public bool Timestamps { get; init; }
        public bool Prefix { get; init; }
        public bool Previous { get; init; }
        public int MaxLogRequests { get; init; }
        public TimeSpan PodRunningTimeout { get; init; }
    }

    /// <summary>One log to read: a container of a pod.</summary>
    private sealed record LogSource(string Pod, string Container);

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, LogsRequest request, CancellationToken ct)
    {
        using var session = CommandSession.Open(parse);
        IReadOnlyList<Pod> pods;
        if (request.Selector is { } selector)
        {
            pods = (await session.Client.ListAsync(ResourceTypes.Pods, session.Namespace, selector, ct: ct).ConfigureAwait(false)).Items;
            if (pods.Count == 0)
            {
                await context.Error.WriteLineAsync($"No resources found in {session.Namespace} namespace.").ConfigureAwait(false);
                return 0;
            }
        }
        else
        {
            pods = [(await PodTarget.ForLogsAsync(session.Client, session.Namespace, request.Target!, request.PodRunningTimeout, context.Error, context.Time, ct).ConfigureAwait(false)).Pod];
        }
        Validate(request);
        var sources = new List<LogSource>();
        foreach (var pod in pods)
            sources.AddRange(Sources(pod, request, context.Error));

        try
        {
            if (request.Follow && sources.Count > 1)
            {
                if (sources.Count > request.MaxLogRequests)
                    throw new CliException($"error: you are attempting to follow {sources.Count} log streams, but maximum allowed concurrency is {request.MaxLogRequests}, use --max-log-requests to increase the limit");
                // kubectl follows every log at once; whole lines keep one container's output from cutting into another's.
                using var gate = new SemaphoreSlim(1, 1);
                await Task.WhenAll(sources.Select(s => CopyAsync(session, s, request, new LineWriter(context.Out, gate, PrefixOf(s, request)), ct))).ConfigureAwait(false);
            }
            else
            {
                foreach (var source in sources)
                    await CopyAsync(session, source, request, new LineWriter(context.Out, gate: null, PrefixOf(source, request)), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && request.Follow)
        {
            // Ctrl-C is how following ends.
        }

        return 0;
    }

    /// <summary>kubectl's Validate, which runs once Complete has read the object.</summary>
    private static void Validate(LogsRequest request)
    {
        if (request.SinceTime is not null && request.Since is not null)
            throw new CliException("error: at most one of `sinceTime` or `sinceSeconds` may be specified");
        if (request.AllContainers && (request.Container ?? request.InlineContainer) is { } named)
            throw new CliException($"error: --all-containers=true should not be specified with container name {named}");
        if (request.Container is not null && request.InlineContainer is not null)
            throw new CliException("error: only one of -c or an inline [CONTAINER] arg is allowed");
        if (request.LimitBytes < 0)
            throw new CliException("error: --limit-bytes must be greater than 0");
        if (request.Since < 0)
            throw new CliException("error: --since must be greater than 0");
        if (request.TailLines < -1)
            throw new CliException("error: --tail must be greater than or equal to -1");
    }

    /// <summary>The containers read of one pod, as kubectl's logsForObjectWithClient picks them.</summary>
    private static IEnumerable<LogSource> Sources(Pod pod, LogsRequest request, TextWriter error)
    {
        var podName = pod.Metadata.Name!;
        if (request.AllContainers)
            return (pod.Spec.InitContainers ?? []).Concat(pod.Spec.Containers).Select(c => new LogSource(podName, c.Name));
        var container = request.Container ?? request.InlineContainer ?? DefaultContainer.ForLogs(pod, error);
        if (!DefaultContainer.Exists(pod, container))
            throw new CliException($"error: container {container} is not valid for pod {podName}");
        return [new LogSource(podName, container)];
    }

    private static string? PrefixOf(LogSource source, LogsRequest request) => request.Prefix ? $"[pod/{source.Pod}/{source.Container}] " : null;

    private static async Task CopyAsync(CommandSession session, LogSource source, LogsRequest request, LineWriter output, CancellationToken ct)
    {
        var path = DroverClient.PodLogPath(session.Namespace, source.Pod, source.Container, request.Follow, request.TailLines == -1 ? null : request.TailLines, request.Timestamps, request.Previous,
            request.Since, request.SinceTime, request.LimitBytes == 0 ? null : request.LimitBytes);
        try
        {
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
        catch (IOException e)
        {
            throw new CliException($"error: the log stream of pod {source.Pod} broke off: {e.Message}");
        }
    }

    /// <summary>
    /// Writes a stream's text as it comes; with a <paramref name="gate"/> (streams sharing the output) or a
    /// <paramref name="prefix"/>, only whole lines (each after the prefix, under the gate), holding back a line's start
    /// until its end arrives.
    /// </summary>
    private sealed class LineWriter(TextWriter output, SemaphoreSlim? gate, string? prefix)
    {
        private readonly StringBuilder _partial = new();
        private readonly StringBuilder _lines = new();

        public async Task WriteAsync(ReadOnlyMemory<char> text, CancellationToken ct)
        {
            if (gate is null && prefix is null)
            {
                await output.WriteAsync(text, ct).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
                return;
            }
            var rest = text.Span;
            int newline;
            while ((newline = rest.IndexOf('\n')) >= 0)
            {
                _lines.Append(prefix).Append(_partial).Append(rest[..(newline + 1)]);
                _partial.Clear();
                rest = rest[(newline + 1)..];
            }
            _partial.Append(rest);
            if (_lines.Length > 0)
                await WriteLinesAsync(ct).ConfigureAwait(false);
        }

        public async Task FlushRestAsync(CancellationToken ct)
        {
            if (_partial.Length == 0)
                return;
            _lines.Append(prefix).Append(_partial);
            _partial.Clear();
            await WriteLinesAsync(ct).ConfigureAwait(false);
        }

        private async Task WriteLinesAsync(CancellationToken ct)
        {
            if (gate is not null)
                await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await output.WriteAsync(_lines.ToString().AsMemory(), ct).ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                gate?.Release();
            }
            _lines.Clear();
        }
    }
}
