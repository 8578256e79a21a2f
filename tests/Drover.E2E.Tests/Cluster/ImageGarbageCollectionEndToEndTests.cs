using System.Formats.Tar;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Drover.Api;
using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// Image garbage collection on real containerd with an image filesystem whose usage the test controls: the node's
/// private containerd keeps its root (content store, snapshots) on a 96 MiB tmpfs the test mounts before
/// run-private.sh starts it (node index 47), and the agent collects every 2 s with no minimum age, at 85 % / 70 %.
/// A pod runs my-app, another ran drover.local/hello and exited (Succeeded, still bound); then the test imports
/// unused 6 MiB images until the filesystem is over 85 % full. The agent removes unused images only: the two pods'
/// images and the sandbox image stay, usage falls under the high threshold, and the Node gets an ImageGCFreed Event
/// and the agent's metrics count what was freed.
/// </summary>
[Trait("Category", "Process")]
public sealed class ImageGarbageCollectionEndToEndTests : IAsyncLifetime
{
    private const int NodeIndex = 47;
    private const string Ns = "default";
    private const int JunkBytes = 6 * 1024 * 1024;
    private readonly string _work = Directory.CreateTempSubdirectory("drover-imagegc-").FullName;
    private TestCluster? _cluster;

    private TestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster did not start");

    private string Root => Path.Combine(_work, "node-" + NodeIndex.ToString(CultureInfo.InvariantCulture), "containerd", "root");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=96m", "drover-imagegc", Root);
        _cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            NodeIndexes = [NodeIndex],
            WorkDirectory = _work,
            AgentMetrics = true,
            AgentArgs = ["--image-gc-period", "2s", "--image-minimum-gc-age", "0s", "--image-gc-high-threshold", "85", "--image-gc-low-threshold", "70"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
        // run-private.sh stop unmounts everything under the node's directory; this is for a start that failed before.
        if (File.ReadAllText("/proc/self/mountinfo").Contains(" " + Root + " ", StringComparison.Ordinal))
            await RunAsync("umount", "-l", Root);
        if (Directory.Exists(_work))
            Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task FilesystemOverHighThreshold_UnusedImagesRemoved_ImagesOfLivePodsAndSandboxKept_EventAndMetrics()
    {
        var node = Cluster.Nodes[0];
        using (var api = Cluster.Client())
        {
            await api.CreateAsync(ResourceTypes.Pods, Pod("gc-running", SeedManifests.ImageV1, ["sleep", "3600"], "Always"));
            await api.CreateAsync(ResourceTypes.Pods, Pod("gc-exited", "drover.local/hello:v1", ["sh", "-c", "exit 0"], "Never"));
        }
        await Cluster.WaitForPodAsync(Ns, "gc-running", "app=imagegc", p => p.Status?.Phase == "Running", TimeSpan.FromSeconds(90), "Running");
        await Cluster.WaitForPodAsync(Ns, "gc-exited", "app=imagegc", p => p.Status?.Phase == "Succeeded", TimeSpan.FromSeconds(90), "Succeeded");

        var junk = new List<string>();
        var random = new Random(18);
        while (UsagePercent() < 88 && junk.Count < 12)
        {
            var name = "drover.local/junk-" + junk.Count.ToString(CultureInfo.InvariantCulture);
            await ImportJunkImageAsync(node, name, random);
            junk.Add(name + ":v1");
        }
        Assert.True(UsagePercent() >= 86, $"the image filesystem is only {UsagePercent()} % full after {junk.Count} junk images");

        // The agent's next round removes unused images until usage is down to the low threshold (by the sizes the CRI reports).
        Event? freed = null;
        await Cluster.WaitAsync(async api =>
        {
            var events = await api.ListAsync(ResourceTypes.Events, Ns);
            freed = events.Items.FirstOrDefault(e => e.Reason == "ImageGCFreed" && e.InvolvedObject?.Kind == "Node" && e.InvolvedObject.Name == node.Name);
            return freed is not null;
        }, TimeSpan.FromSeconds(60), "an ImageGCFreed Event on the node");
        Assert.Contains("junk-", freed!.Message, StringComparison.Ordinal);
        Assert.True(UsagePercent() < 85, $"usage still {UsagePercent()} %");

        var images = await ImagesAsync(node);
        Assert.Contains(images, i => i.StartsWith("docker.io/library/" + SeedManifests.ImageV1, StringComparison.Ordinal));
        Assert.Contains("drover.local/hello:v1", images);
        Assert.Contains("drover.local/pause:3.9", images);
        Assert.True(junk.Count(j => !images.Contains(j)) >= 1, "no junk image removed: " + string.Join(", ", images));

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{node.MetricsPort!.Value.ToString(CultureInfo.InvariantCulture)}/metrics");
        var removed = metrics.Split('\n').Single(l => l.StartsWith("drover_agent_image_gc_removed_images_total ", StringComparison.Ordinal));
        Assert.True(double.Parse(removed.Split(' ')[1], CultureInfo.InvariantCulture) >= 1, removed);
        var bytes = metrics.Split('\n').Single(l => l.StartsWith("drover_agent_image_gc_freed_bytes_total ", StringComparison.Ordinal));
        Assert.True(double.Parse(bytes.Split(' ')[1], CultureInfo.InvariantCulture) >= JunkBytes, bytes);

        // Both pods still run (or stay finished) on their images.
        using (var api = Cluster.Client())
        {
            Assert.Equal("Running", (await api.GetAsync(ResourceTypes.Pods, Ns, "gc-running")).Status?.Phase);
            Assert.Equal("Succeeded", (await api.GetAsync(ResourceTypes.Pods, Ns, "gc-exited")).Status?.Phase);
        }
    }

    private int UsagePercent()
    {
        var drive = new DriveInfo(Root);
        return 100 - (int)(drive.AvailableFreeSpace * 100 / drive.TotalSize);
    }

    private static Pod Pod(string name, string image, string[] command, string restartPolicy) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = Ns, Labels = new() { ["app"] = "imagegc" } },
        Spec = new PodSpec
        {
            RestartPolicy = restartPolicy,
            TerminationGracePeriodSeconds = 1,
            Containers = [new Container { Name = "app", Image = image, ImagePullPolicy = "Never", Command = [.. command] }],
        },
    };

    private static async Task<HashSet<string>> ImagesAsync(ClusterNode node)
    {
        var result = await RunAsync("ctr", "-a", node.SocketPath, "-n", "k8s.io", "images", "ls", "-q");
        return [.. result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>A one-layer OCI image of <see cref="JunkBytes"/> random bytes (uncompressed tar layer), imported as NAME:v1.</summary>
    private async Task ImportJunkImageAsync(ClusterNode node, string name, Random random)
    {
        var layout = Directory.CreateDirectory(Path.Combine(_work, "junk")).FullName;
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string Blob(byte[] content)
        {
            var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
            blobs[digest] = content;
            return digest;
        }

        var payload = new byte[JunkBytes];
        random.NextBytes(payload);
        using var layerStream = new MemoryStream();
        using (var tar = new TarWriter(layerStream, TarEntryFormat.Pax, leaveOpen: true))
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "junk") { DataStream = new MemoryStream(payload) });
        var layer = layerStream.ToArray();
        var layerDigest = Blob(layer);
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layerDigest + "\"]}}");
        var configDigest = Blob(config);
        var manifest = Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{configDigest}}}","size":{{{config.Length}}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{{{layerDigest}}}","size":{{{layer.Length}}}}]}""");
        var manifestDigest = Blob(manifest);
        var index = $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{manifestDigest}}}","size":{{{manifest.Length}}},"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}""";

        var archive = Path.Combine(layout, "junk.tar");
        await using (var file = File.Create(archive))
        await using (var tar = new TarWriter(file, TarEntryFormat.Pax))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "oci-layout") { DataStream = new MemoryStream("{\"imageLayoutVersion\":\"1.0.0\"}"u8.ToArray()) });
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "index.json") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(index)) });
            foreach (var (digest, content) in blobs)
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "blobs/sha256/" + digest["sha256:".Length..]) { DataStream = new MemoryStream(content) });
        }
        var snapshotter = (await File.ReadAllTextAsync(Path.Combine(node.ContainerdDirectory, "snapshotter"))).Trim();
        await RunAsync("ctr", "-a", node.SocketPath, "-n", "k8s.io", "images", "import", "--snapshotter", snapshotter, "--base-name", name, archive);
        File.Delete(archive);
    }

    private static async Task<string> RunAsync(string command, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command(command, args), TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed:\n{result}");
        return result.Stdout;
    }
}
