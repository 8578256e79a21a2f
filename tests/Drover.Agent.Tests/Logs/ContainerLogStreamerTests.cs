using System.Text;
using Drover.Agent.Cri;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.Logs.Tests;

/// <summary>
/// The streamer on real files. Its CRI client points at a socket that does not exist, so the "is the
/// container still running" check always fails and following goes on until cancelled, as it does while
/// containerd restarts.
/// </summary>
public sealed class ContainerLogStreamerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drover-logstream-").FullName;
    private readonly CriClient _cri = new(new CriClientOptions { SocketPath = "/nonexistent/drover-logs-test.sock", ConnectTimeout = TimeSpan.FromMilliseconds(200) });
    private readonly StringBuilder _output = new();

    private string LogPath => Path.Combine(_directory, "0.log");

    public void Dispose()
    {
        _cri.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private ContainerLogStreamer Streamer() =>
        new(new ContainerLogLocator(_cri), TimeProvider.System, NullLogger<ContainerLogStreamer>.Instance) { PollInterval = TimeSpan.FromMilliseconds(20) };

    private static ContainerLogRequest Request(bool follow = false, long? tail = null) =>
        new() { Namespace = "default", Pod = "p", Container = "c", Follow = follow, TailLines = tail };

    private Task StreamAsync(ContainerLogRequest request, CancellationToken ct) =>
        Streamer().StreamAsync(request, new ContainerLogLocation("id", LogPath, 0), (data, _) =>
        {
            lock (_output)
                _output.Append(Encoding.UTF8.GetString(data.Span));
            return ValueTask.CompletedTask;
        }, ct);

    private string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    private async Task WaitForOutputAsync(string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Output != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected \"{expected}\", have \"{Output}\"");
            await Task.Delay(20);
        }
    }

    private static string Line(string message) => $"2024-01-01T00:00:00.000000001Z stdout F {message}\n";

    [Fact]
    public async Task StreamAsync_TailWithoutFollow_LastLinesThenEnds()
    {
        File.WriteAllText(LogPath, Line("a") + Line("b") + Line("c"));

        await StreamAsync(Request(tail: 2), CancellationToken.None);

        Assert.Equal("b\nc\n", Output);
    }

    [Fact]
    public async Task StreamAsync_SinceTime_OlderLinesDropped_TailCountsTheRest()
    {
        File.WriteAllText(LogPath, "2024-01-01T00:00:01Z stdout F old\n2024-01-01T00:00:02+00:00 stdout F at\n2024-01-01T00:00:03.5Z stdout F new\n");
        var since = new DateTimeOffset(2024, 1, 1, 0, 0, 2, TimeSpan.Zero);

        await StreamAsync(Request() with { SinceTime = since }, CancellationToken.None);
        Assert.Equal("at\nnew\n", Output);
        _output.Clear();
        await StreamAsync(Request(tail: 5) with { SinceTime = since }, CancellationToken.None);
        Assert.Equal("at\nnew\n", Output);
    }

    [Fact]
    public async Task StreamAsync_SinceSeconds_CountsBackFromNow()
    {
        var now = DateTimeOffset.UtcNow;
        File.WriteAllText(LogPath, $"{now.AddHours(-1):yyyy-MM-dd'T'HH:mm:ss'Z'} stdout F hour-old\n{now.AddMinutes(1):yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'} stdout F fresh\n");

        await StreamAsync(Request() with { SinceSeconds = 600 }, CancellationToken.None);

        Assert.Equal("fresh\n", Output);
    }

    [Fact]
    public async Task StreamAsync_LimitBytes_CutsAndEndsEvenWhenFollowing()
    {
        File.WriteAllText(LogPath, Line("abc") + Line("def"));

        // Following with no limit would go on until cancelled (the runtime is never reachable here); the limit ends it.
        await StreamAsync(Request(follow: true) with { LimitBytes = 6 }, CancellationToken.None);

        Assert.Equal("abc\nde", Output);
    }

    [Fact]
    public async Task StreamAsync_NoFile_EmptyAndEnds()
    {
        await StreamAsync(Request(), CancellationToken.None);
        Assert.Equal("", Output);
    }

    [Fact]
    public async Task StreamAsync_FollowAcrossRotation_OldFileDrainedThenNewOneRead()
    {
        File.WriteAllText(LogPath, Line("a"));
        using var stop = new CancellationTokenSource();
        var streaming = StreamAsync(Request(follow: true, tail: 0), stop.Token);
        await Task.Delay(100);
        File.AppendAllText(LogPath, Line("b"));
        await WaitForOutputAsync("b\n");

        File.Move(LogPath, LogPath + ".1");
        File.WriteAllText(LogPath, Line("d"));
        await WaitForOutputAsync("b\nd\n");
        File.AppendAllText(LogPath, Line("e"));
        await WaitForOutputAsync("b\nd\ne\n");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => streaming);
    }

    [Fact]
    public async Task StreamAsync_FollowTruncatedFile_ReadsAgainFromStart()
    {
        File.WriteAllText(LogPath, Line("first") + Line("second"));
        using var stop = new CancellationTokenSource();
        var streaming = StreamAsync(Request(follow: true), stop.Token);
        await WaitForOutputAsync("first\nsecond\n");

        File.WriteAllText(LogPath, Line("x"));
        await WaitForOutputAsync("first\nsecond\nx\n");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => streaming);
    }
}
