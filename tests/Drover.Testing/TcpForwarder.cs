using System.Net;
using System.Net.Sockets;

namespace Drover.Testing;

/// <summary>
/// A loopback TCP relay to one target: what a process dials instead of the target, so a test can cut that process off
/// (<see cref="Cut"/>: open connections reset, new ones refused) and restore it (<see cref="Restore"/>) without touching
/// the network — a partition between one droverd replica and etcd, while the others still reach it.
/// </summary>
public sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient In, TcpClient Out)> _connections = [];
    private readonly object _gate = new();
    private readonly Task _accepting;
    private volatile bool _cut;

    public TcpForwarder(IPEndPoint target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public bool IsCut => _cut;

    /// <summary>Resets every relayed connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        lock (_gate)
        {
            foreach (var (a, b) in _connections)
            {
                a.Client.LingerState = new LingerOption(true, 0);
                b.Client.LingerState = new LingerOption(true, 0);
                a.Dispose();
                b.Dispose();
            }
            _connections.Clear();
        }
    }

    public void Restore() => _cut = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Cut();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient incoming;
            try
            {
                incoming = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            if (_cut)
            {
                incoming.Client.LingerState = new LingerOption(true, 0);
                incoming.Dispose();
                continue;
            }
            _ = RelayAsync(incoming);
        }
    }

    private async Task RelayAsync(TcpClient incoming)
    {
        var outgoing = new TcpClient();
        try
        {
            await outgoing.ConnectAsync(_target, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            incoming.Dispose();
            outgoing.Dispose();
            return;
        }
        lock (_gate)
            _connections.Add((incoming, outgoing));
        try
        {
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = incoming.GetStream().CopyToAsync(outgoing.GetStream(), done.Token);
            var down = outgoing.GetStream().CopyToAsync(incoming.GetStream(), done.Token);
            await Task.WhenAny(up, down).ConfigureAwait(false);
            await done.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }
        finally
        {
            lock (_gate)
                _connections.Remove((incoming, outgoing));
            incoming.Dispose();
            outgoing.Dispose();
        }
    }
}
