using Tmds.DBus.Protocol;

namespace Drover.Agent.Systemd;

/// <summary>The connection to the system bus (or the one --dbus-address names).</summary>
internal static class SystemBus
{
    /// <summary>--dbus-address's value to a bus address: "system" is the system bus ($DBUS_SYSTEM_BUS_ADDRESS or its standard socket), "off" none.</summary>
    public static string? Resolve(string option)
    {
        ArgumentNullException.ThrowIfNull(option);
        return option switch
        {
            "off" or "" => null,
            "system" => DBusAddress.System ?? "unix:path=/var/run/dbus/system_bus_socket",
            _ => option,
        };
    }

    /// <summary>Connects and authenticates; a bus that is missing or refuses is a <see cref="SystemdException"/> naming the address.</summary>
    public static async Task<DBusConnection> ConnectAsync(string address, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        var connection = new DBusConnection(new DBusConnectionOptions(address) { AutoConnect = false });
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(timeout, ct).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (e is DBusExceptionBase or TimeoutException or System.Net.Sockets.SocketException or IOException or ArgumentException or NotSupportedException)
        {
            connection.Dispose();
            throw new SystemdException($"no D-Bus at {address}: {e.Message}", e);
        }
    }
}
