using System.Net.Sockets;
using Grpc.Net.Client;

namespace Drover.Agent.Cri;

/// <summary>A gRPC channel to a CRI runtime over its unix socket.</summary>
internal static class CriChannel
{
    /// <summary>
    /// The address is a placeholder: every connection goes to the socket through ConnectCallback; "http"
    /// makes Grpc.Net.Client speak HTTP/2 without TLS, as containerd expects.
    /// </summary>
    private static readonly Uri PlaceholderAddress = new("http://localhost");

    public static GrpcChannel Create(CriClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var socketPath = options.SocketPath;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            // Detects a restarted containerd on an idle connection instead of failing the next call late.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return GrpcChannel.ForAddress(PlaceholderAddress, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            ThrowOperationCanceledOnCancellation = true,
        });
    }
}
