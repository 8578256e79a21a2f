using System.CommandLine;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;
using Drover.Cli.Pods;
using Drover.Cli.Streams;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover exec POD|TYPE/NAME [-c CONTAINER] [-i] -- COMMAND [ARG...]`: runs a command in a container through droverd
/// (pods/exec, the endpoint kubectl uses) over the WebSocket channel protocol v4, or SPDY/3.1 with -i, with kubectl's
/// habits: TYPE/NAME (deploy, rs, ds, job, svc) runs in one of the pods the object selects (<see cref="PodTarget"/>),
/// the default container is kubectl's (<see cref="DefaultContainer"/>), stdout and stderr apart, and the command's exit
/// code as drover's ("command terminated with exit code N" on stderr, as kubectl prints it).
/// </summary>
internal static class ExecCommand
{
    public static Command Create(CliContext context)
    {
        var pod = new Argument<string>("POD") { Description = "The pod (NAME or pod/NAME), or TYPE/NAME of a deployment, replicaset, daemonset, job or service: one of the pods it selects" };
        var commandLine = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.OneOrMore, Description = "The command and its arguments, after --" };
        var container = new Option<string?>("--container", "-c") { Description = "The container; when omitted, the one the kubectl.kubernetes.io/default-container annotation names, else the pod's first" };
        var stdin = new Option<bool>("--stdin", "-i") { Description = "Pass stdin to the command (over SPDY/3.1, which closes it when stdin ends, as kubectl does)" };
        var tty = new Option<bool>("--tty", "-t") { Description = "Not supported yet: use kubectl exec -it" };
        var podRunningTimeout = PodRunningTimeout.Option("1m");
        var command = new Command("exec", "Run a command in a container");
        command.Arguments.Add(pod);
        command.Arguments.Add(commandLine);
        command.Options.Add(container);
        command.Options.Add(stdin);
        command.Options.Add(tty);
        command.Options.Add(podRunningTimeout);
        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(tty))
                throw new CliException("error: drover exec has no terminal mode yet (-t); use kubectl exec -it, which works against droverd");
            var request = new ExecRequest(parse.GetValue(pod)!, parse.GetValue(container), parse.GetValue(commandLine)!, parse.GetValue(stdin), PodRunningTimeout.Parse(parse.GetValue(podRunningTimeout)));
            return RunAsync(context, parse, request, ct);
        });
        return command;
    }

    private sealed record ExecRequest(string Target, string? Container, string[] CommandLine, bool Stdin, TimeSpan PodRunningTimeout);

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, ExecRequest request, CancellationToken ct)
    {
        using var session = CommandSession.Open(parse);
        // As kubectl: read the pod first, so a missing pod, container or a finished pod is named before any upgrade.
        var pod = (await PodTarget.AttachableAsync(session.Client, session.Namespace, request.Target, request.PodRunningTimeout, context.Time, ct).ConfigureAwait(false)).Pod;
        var podName = pod.Metadata.Name!;
        if (pod.Status?.Phase is "Succeeded" or "Failed")
            throw new CliException($"error: cannot exec into a container in a completed pod; current phase is {pod.Status.Phase}");
        var container = request.Container ?? DefaultContainer.ForExec(pod, context.Error);
        if (!DefaultContainer.Exists(pod, container))
            throw new CliException($"error: container {container} is not valid for pod {podName}; choose one of: [{string.Join(' ', (pod.Spec.InitContainers ?? []).Concat(pod.Spec.Containers).Select(c => c.Name))}]");
        var (commandLine, stdin) = (request.CommandLine, request.Stdin);

        var path = new StringBuilder(DroverClient.ObjectPath(ResourceTypes.Pods, session.Namespace, podName)).Append("/exec?container=").Append(Uri.EscapeDataString(container));
        foreach (var argument in commandLine)
            path.Append("&command=").Append(Uri.EscapeDataString(argument));
        path.Append("&stdout=true&stderr=true");
        if (stdin)
            path.Append("&stdin=true");

        // With stdin, SPDY/3.1 (kubectl's fallback): its stdin stream can be half-closed, so the command sees the end of its
        // input; WebSocket v4 has no half-close and v5, which has one, is not spoken by containerd 1.6's streaming server.
        // Without stdin there is nothing to close and the WebSocket protocol v4 (the one Kubernetes moves to) is kept.
        int code;
        if (stdin)
        {
            await using var connection = await session.Client.OpenUpgradeAsync(HttpMethod.Post, path.ToString(), "SPDY/3.1", SpdyExecSession.Protocols, ct).ConfigureAwait(false);
            code = await new SpdyExecSession(connection.Stream, connection.Protocol, context.Out, context.Error).RunAsync(StdinBytes(context.In), ct).ConfigureAwait(false);
        }
        else
        {
            using var socket = await session.Client.OpenWebSocketAsync(path.ToString(), ChannelSession.Protocol, ct).ConfigureAwait(false);
            code = await new ChannelSession(socket, context.Out, context.Error).RunAsync(ct).ConfigureAwait(false);
        }
        if (code != 0)
            await context.Error.WriteLineAsync($"command terminated with exit code {code}").ConfigureAwait(false);
        return code;
    }

    /// <summary>stdin's bytes as they come (the console's, unchanged, as kubectl passes them); a reader of text is sent as UTF-8.</summary>
    private static Stream StdinBytes(TextReader input) =>
        input is StreamReader reader ? reader.BaseStream : new MemoryStream(Encoding.UTF8.GetBytes(input.ReadToEnd()));
}
