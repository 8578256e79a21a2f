// agent-floor DROVERD_URL CRI_SOCKET: every 10 s one CRI Version call over the unix socket and one HTTPS GET of
// droverd's /readyz (certificate not checked: only the TLS stack's memory matters here), as the agent's lease loop
// and relist do. Its RSS is what any agent built this way pays before doing anything of its own.
using System.Globalization;
using System.Net.Sockets;
using Drover.Agent.Cri.V1;
using Grpc.Net.Client;

var server = new Uri(args[0]);
var socketPath = args[1];
using var https = new HttpClient(new SocketsHttpHandler
{
    SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
});
using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        },
    },
});
var cri = new RuntimeService.RuntimeServiceClient(channel);
while (true)
{
    var version = await cri.VersionAsync(new VersionRequest { Version = "v1" }).ResponseAsync.ConfigureAwait(false);
    using var answer = await https.GetAsync(new Uri(server, "/readyz")).ConfigureAwait(false);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:O} cri {version.RuntimeName} {version.RuntimeVersion}, droverd {(int)answer.StatusCode}"));
    await Task.Delay(10_000).ConfigureAwait(false);
}
