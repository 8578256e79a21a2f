using Microsoft.Win32.SafeHandles;
using Tmds.DBus.Protocol;

namespace Drover.Agent.Systemd;

/// <summary>org.freedesktop.login1's manager on the system bus: inhibitor locks, the inhibit delay, PrepareForShutdown.</summary>
internal sealed class LogindClient
{
    public const string Service = "org.freedesktop.login1";
    public const string ManagerPath = "/org/freedesktop/login1";
    public const string ManagerInterface = "org.freedesktop.login1.Manager";

    private readonly DBusConnection _connection;

    public LogindClient(DBusConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <summary>Manager.Inhibit: the lock is the returned descriptor; logind drops it when the last copy is closed.</summary>
    public Task<SafeFileHandle> InhibitAsync(string what, string who, string why, string mode, CancellationToken ct) =>
        DBusCalls.GuardAsync("login1.Inhibit", () =>
        {
            MessageBuffer message;
            using (var writer = _connection.GetMessageWriter())
            {
                writer.WriteMethodCallHeader(Service, ManagerPath, ManagerInterface, "Inhibit", "ssss", MessageFlags.None);
                writer.WriteString(what);
                writer.WriteString(who);
                writer.WriteString(why);
                writer.WriteString(mode);
                message = writer.CreateMessage();
            }
            return _connection.CallMethodAsync(message, static (m, _) => m.GetBodyReader().ReadHandle<SafeFileHandle>(), null);
        }, ct);

    /// <summary>InhibitDelayMaxUSec: how long logind waits for delay locks before it shuts down anyway.</summary>
    public Task<TimeSpan> InhibitDelayMaxAsync(CancellationToken ct) =>
        DBusCalls.GuardAsync("login1.InhibitDelayMaxUSec", async () =>
        {
            var value = await DBusCalls.GetPropertyAsync(_connection, Service, ManagerPath, ManagerInterface, "InhibitDelayMaxUSec").ConfigureAwait(false);
            var micros = value.GetUInt64();
            return micros >= (ulong)(TimeSpan.MaxValue.Ticks / 10) ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)micros * 10);
        }, ct);

    /// <summary>PrepareForShutdown(b): true when a shutdown begins, false when it was cancelled.</summary>
    public async Task<IDisposable> WatchPrepareForShutdownAsync(Action<Exception?, bool> handler, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(handler);
        // No sender in the match: a well-known name there is resolved by the bus only at AddMatch time, and a
        // logind restarted later would be missed; path and interface single out logind well enough.
        return await DBusCalls.GuardAsync("login1.PrepareForShutdown match", async () =>
            await _connection.WatchSignalAsync(null, ManagerPath, ManagerInterface, "PrepareForShutdown",
                static (m, _) => m.GetBodyReader().ReadBool(),
                (Notification<bool> n) =>
                {
                    if (n.HasValue)
                        handler(null, n.Value);
                    else if (n.IsCompletion)
                        handler(n.CompletionReason ?? new DBusConnectionClosedException("the system bus connection closed"), false);
                },
                ObserverFlags.EmitOnConnectionClosed | ObserverFlags.EmitOnConnectionFailed | ObserverFlags.EmitOnReaderFailed,
                false, null).ConfigureAwait(false), ct).ConfigureAwait(false);
    }
}
