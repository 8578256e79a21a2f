using System.CommandLine;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover logs POD [-c CONTAINER] [-f] [--tail N] [--timestamps] [-p]`: a container's log through droverd,
/// which fetches it from the pod's node. Text is written as it arrives, so -f shows lines as they are written.
/// </summary>
internal static class LogsCommand
{
    public static Command Create(CliContext context)
    {
        var pod = new Argument<string>("POD") { Description = "The pod (NAME or pod/NAME)" };
        var container = new Option<string?>("--container", "-c") { Description = "The container; needed when the pod has more than one" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep streaming new lines until the container exits (Ctrl-C to stop)" };
        var tail = new Option<long>("--tail")
        {
            Description = "Lines of the end of the log to show; -1 shows all",
            DefaultValueFactory = _ => -1,
        };
        var timestamps = new Option<bool>("--timestamps") { Description = "Prefix each line with the time the runtime recorded it (RFC 3339)" };
        var previous = new Option<bool>("--previous", "-p") { Description = "The log of the previous, terminated run of the container" };
        var command = new Command("logs", "Print the logs of a container in a pod");
        command.Arguments.Add(pod);
        command.Options.Add(container);
        command.Options.Add(follow);
        command.Options.Add(tail);
        command.Options.Add(timestamps);
        command.Options.Add(previous);
        command.SetAction((parse, ct) =>
        {
            var tailLines = parse.GetValue(tail);
            var request = new LogsRequest(
                PodArgument.Name(parse.GetValue(pod)!, "drover logs reads pods"), parse.GetValue(container), parse.GetValue(follow),
                tailLines == -1 ? null : tailLines, parse.GetValue(timestamps), parse.GetValue(previous));
            return RunAsync(context, parse, request, ct);
        });
        return command;
    }

    private sealed record LogsRequest(string Pod, string? Container, bool Follow, long? TailLines, bool Timestamps, bool Previous);

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, LogsRequest request, CancellationToken ct)
    {
        using var session = CommandSession.Open(parse);
        var path = DroverClient.PodLogPath(session.Namespace, request.Pod, request.Container, request.Follow, request.TailLines, request.Timestamps, request.Previous);
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
                await context.Out.WriteAsync(chars.AsMemory(0, count), ct).ConfigureAwait(false);
                await context.Out.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && request.Follow)
        {
            // Ctrl-C is how following ends.
        }
        catch (IOException e)
        {
            throw new CliException($"error: the log stream of pod {request.Pod} broke off: {e.Message}");
        }

        return 0;
    }
}
