using System.Globalization;
using Drover.Api.Client;

namespace Drover.Bench.Agent;

/// <summary>
/// The published droverd (AOT) on a free loopback port with a data dir under the work directory. The cluster CIDR is
/// the one slice 10.88.INDEX.0/24, so the node's podCIDR is the same one run-private.sh gives node INDEX: the bridge
/// does not collide with another single-node cluster on this machine, which would also get 10.42.0.0/24.
/// </summary>
internal sealed class Droverd : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private Droverd(ChildProcess process, string dataDirectory, int port, DroverClient client)
    {
        _process = process;
        DataDirectory = dataDirectory;
        Server = new Uri($"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        Client = client;
    }

    public string DataDirectory { get; }
    public Uri Server { get; }
    public DroverClient Client { get; }
    public int Pid => _process.Pid;

    /// <summary>The join token an agent needs for its first join (droverd writes it at first start).</summary>
    public string JoinToken => File.ReadAllText(Path.Combine(DataDirectory, "credentials", "join-token")).Trim();

    public static async Task<Droverd> StartAsync(string binary, string workDirectory, string outputDirectory, int nodeIndex, CancellationToken ct)
    {
        var dataDirectory = Path.Combine(workDirectory, "droverd");
        Directory.CreateDirectory(dataDirectory);
        var port = Ports.FreeLoopback();
        var config = Path.Combine(workDirectory, "admin.config");
        var process = ChildProcess.Start("droverd", binary,
        [
            "--data-dir", dataDirectory, "--bind-address", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--write-client-config", config,
            "--cluster-cidr", $"10.88.{nodeIndex.ToString(CultureInfo.InvariantCulture)}.0/24", "--node-cidr-mask-size", "24",
        ], Path.Combine(outputDirectory, "droverd.log"), Path.Combine(workDirectory, "droverd.pid"));
        try
        {
            var serving = process.WaitForLineAsync("droverd serving");
            var first = await Task.WhenAny(serving, process.Exited, Task.Delay(TimeSpan.FromSeconds(60), ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            if (first != serving)
                throw new InvalidOperationException(process.HasExited ? "droverd exited during start-up (see droverd.log)" : "droverd did not serve within 60 s (see droverd.log)");
            for (var i = 0; !File.Exists(config); i++)
            {
                if (i == 100)
                    throw new InvalidOperationException($"droverd serves but wrote no client config at {config}");
                await Task.Delay(50, ct).ConfigureAwait(false);
            }
            var client = new DroverClient(ClientSettings.Load(config), TimeSpan.FromSeconds(30));
            for (var i = 0; ; i++)
            {
                try
                {
                    await client.GetRawAsync("/readyz", ct).ConfigureAwait(false);
                    break;
                }
                catch (ApiClientException) when (i < 100)
                {
                    await Task.Delay(50, ct).ConfigureAwait(false);
                }
            }
            return new Droverd(process, dataDirectory, port, client);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync().ConfigureAwait(false);
    }
}
