using Tmds.DBus.Protocol;

namespace Drover.Agent.Systemd;

/// <summary>org.freedesktop.systemd1 on the system bus: a unit's load and active state.</summary>
internal sealed class SystemdManagerClient
{
    public const string Service = "org.freedesktop.systemd1";
    public const string ManagerPath = "/org/freedesktop/systemd1";
    public const string ManagerInterface = "org.freedesktop.systemd1.Manager";
    public const string UnitInterface = "org.freedesktop.systemd1.Unit";
    private const string NoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit";

    private readonly DBusConnection _connection;

    public SystemdManagerClient(DBusConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <summary>
    /// GetUnit answers only for units systemd has loaded; LoadUnit loads one on request (a unit that does not
    /// exist then reads LoadState "not-found", which the node condition says plainly).
    /// </summary>
    public async Task<UnitState> GetUnitStateAsync(string unit, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(unit);
        string path;
        try
        {
            path = await DBusCalls.GuardAsync("systemd1.GetUnit", () => UnitPathAsync("GetUnit", unit), ct).ConfigureAwait(false);
        }
        catch (SystemdException e) when (e.InnerException is DBusErrorReplyException { ErrorName: NoSuchUnit })
        {
            path = await DBusCalls.GuardAsync("systemd1.LoadUnit", () => UnitPathAsync("LoadUnit", unit), ct).ConfigureAwait(false);
        }

        var load = await PropertyAsync(path, "LoadState", ct).ConfigureAwait(false);
        var active = await PropertyAsync(path, "ActiveState", ct).ConfigureAwait(false);
        var sub = await PropertyAsync(path, "SubState", ct).ConfigureAwait(false);
        return new UnitState(unit, load, active, sub);
    }

    private Task<string> PropertyAsync(string path, string property, CancellationToken ct) =>
        DBusCalls.GuardAsync("systemd1.Unit." + property, async () =>
            (await DBusCalls.GetPropertyAsync(_connection, Service, path, UnitInterface, property).ConfigureAwait(false)).GetString(), ct);

    private Task<string> UnitPathAsync(string member, string unit)
    {
        MessageBuffer message;
        using (var writer = _connection.GetMessageWriter())
        {
            writer.WriteMethodCallHeader(Service, ManagerPath, ManagerInterface, member, "s", MessageFlags.None);
            writer.WriteString(unit);
            message = writer.CreateMessage();
        }
        return _connection.CallMethodAsync(message, static (m, _) => m.GetBodyReader().ReadObjectPathAsString(), null);
    }
}
