using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;
using Drover.Cli.Pods;
using Drover.Cli.Streams;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover port-forward POD|TYPE/NAME [LOCAL:]REMOTE...`: listens on 127.0.0.1 and forwards each connection to the pod's
/// port through droverd (pods/portforward, the endpoint kubectl uses), one WebSocket per connection, printing what kubectl
/// prints ("Forwarding from 127.0.0.1:8080 -> 3000", "Handling connection for 8080"), until interrupted. TYPE/NAME (deploy,
/// rs, ds, job, svc) forwards to one of the pods the object selects (<see cref="PodTarget"/>); ports map as kubectl maps
/// them (<see cref="ForwardedPorts"/>: named ports, a Service's port to its targetPort).
/// </summary>
internal static class PortForwardCommand
{
    public static Command Create(CliContext context)
    {
        var pod = new Argument<string>("POD") { Description = "The pod (NAME or pod/NAME), or TYPE/NAME of a deployment, replicaset, daemonset, job or service: one of the pods it selects" };
        var ports = new Argument<string[]>("PORTS")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = "LOCAL:REMOTE, REMOTE (the same number locally) or :REMOTE (a free local port); REMOTE may be a port's name, and with svc/NAME is a Service port",
        };
        var podRunningTimeout = PodRunningTimeout.Option("1m");
        var command = new Command("port-forward", "Forward local ports to a pod");
        command.Arguments.Add(pod);
        command.Arguments.Add(ports);
        command.Options.Add(podRunningTimeout);
        command.SetAction((parse, ct) =>
            RunAsync(context, parse, parse.GetValue(pod)!, parse.GetValue(ports)!, PodRunningTimeout.Parse(parse.GetValue(podRunningTimeout)), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, string target, string[] ports, TimeSpan podRunningTimeout, CancellationToken ct)
    {
        using var session = CommandSession.Open(parse);
        var (chosen, service) = await PodTarget.AttachableAsync(session.Client, session.Namespace, target, podRunningTimeout, context.Time, ct).ConfigureAwait(false);
        var pairs = ForwardedPorts.Resolve(ports, chosen, service);
        var podName = chosen.Metadata.Name!;
        // As kubectl's RunPortForward: the pod is read again, as it is when forwarding starts.
        var pod = await session.Client.GetAsync(ResourceTypes.Pods, session.Namespace, podName, ct).ConfigureAwait(false);
        if (pod.Status?.Phase != "Running")
            throw new CliException($"error: unable to forward port because pod is not running. Current status={pod.Status?.Phase ?? "Unknown"}");

        var listeners = new List<Socket>();
        try
        {
            foreach (var (local, remote) in pairs)
            {
                var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                listeners.Add(listener);
                try
                {
                    listener.Bind(new IPEndPoint(IPAddress.Loopback, local));
                }
                catch (SocketException e)
                {
                    throw new CliException($"error: unable to listen on port {local}: {e.Message}");
                }
                listener.Listen(64);
                var bound = ((IPEndPoint)listener.LocalEndPoint!).Port;
                await context.Out.WriteLineAsync($"Forwarding from 127.0.0.1:{bound} -> {remote}").ConfigureAwait(false);
            }
            await context.Out.FlushAsync(ct).ConfigureAwait(false);
            var path = DroverClient.ObjectPath(ResourceTypes.Pods, session.Namespace, podName) + "/portforward?ports=";
            await Task.WhenAll(listeners.Select((l, i) => AcceptAsync(context, session.Client, l, path, pairs[i].Remote, ct))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl-C is how forwarding ends.
        }
        finally
        {
            foreach (var listener in listeners)
                listener.Dispose();
        }
        return 0;
    }

    private static async Task AcceptAsync(CliContext context, DroverClient client, Socket listener, string path, int remote, CancellationToken ct)
    {
        var local = ((IPEndPoint)listener.LocalEndPoint!).Port;
        while (true)
        {
            var connection = await listener.AcceptAsync(ct).ConfigureAwait(false);
            _ = ForwardAsync(context, client, connection, path + remote.ToString(CultureInfo.InvariantCulture), local, remote, ct);
        }
    }

    private static async Task ForwardAsync(CliContext context, DroverClient client, Socket connection, string path, int local, int remote, CancellationToken ct)
    {
        using (connection)
        {
            await WriteLineAsync(context.Out, $"Handling connection for {local}").ConfigureAwait(false);
            try
            {
                using var socket = await client.OpenWebSocketAsync(path, ChannelSession.Protocol, ct).ConfigureAwait(false);
                if (await new PortForwardConnection(socket, connection).RunAsync(ct).ConfigureAwait(false) is { } error)
                    await WriteLineAsync(context.Error, $"error: an error occurred forwarding {local} -> {remote}: {error}").ConfigureAwait(false);
            }
            catch (Exception e) when (e is ApiClientException or System.Net.WebSockets.WebSocketException or SocketException or IOException)
            {
                await WriteLineAsync(context.Error, $"error: an error occurred forwarding {local} -> {remote}: {e.Message}").ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>Connections are handled at once; their lines must not interleave mid-line.</summary>
    private static async Task WriteLineAsync(TextWriter writer, string line)
    {
        await Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await writer.WriteLineAsync(line).ConfigureAwait(false);
            await writer.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            Gate.Release();
        }
    }

    private static readonly SemaphoreSlim Gate = new(1, 1);
}
