using System.Text;
using System.Text.RegularExpressions;
using Drover.Api;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Observability.Tests;

/// <summary>drover_apiserver_open_watches follows watch streams on a real droverd (the Grafana dashboard's "Open watches").</summary>
[Trait("Category", "Process")]
public sealed class OpenWatchesMetricTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;

    [Fact]
    public async Task OpenWatches_WatchOpenedThenClosed_GaugeUpThenDown()
    {
        using var client = _server.Client();
        // ConfigMaps: no controller of droverd's own and no other test here watches them, so the count is this test's.
        using var stop = new CancellationTokenSource();
        var opened = new TaskCompletionSource();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in client.WatchAsync(ResourceTypes.ConfigMaps, "default", bookmarks: true, ct: stop.Token))
                    opened.TrySetResult();
            }
            catch (OperationCanceledException)
            {
            }
        });
        // The watch shows in the gauge once droverd has it open; a BOOKMARK (fixture: every 0.5 s) proves that.
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await OpenWatchesAsync(client));

        await stop.CancelAsync();
        await watching;
        await Poll.UntilAsync(() => OpenWatchesAsync(client), n => n == 0, "open configmaps watches back to 0");
    }

    private static async Task<double> OpenWatchesAsync(Drover.Api.Client.DroverClient client)
    {
        var text = Encoding.UTF8.GetString(await client.GetRawAsync("/metrics"));
        var match = Regex.Match(text, "^drover_apiserver_open_watches\\{resource=\"configmaps\"\\} (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
