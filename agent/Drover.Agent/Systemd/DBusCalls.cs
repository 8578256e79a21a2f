using Tmds.DBus.Protocol;

namespace Drover.Agent.Systemd;

/// <summary>The few D-Bus call shapes the agent uses, written with Tmds.DBus.Protocol's writer (no reflection, AOT-clean).</summary>
internal static class DBusCalls
{
    public const string PropertiesInterface = "org.freedesktop.DBus.Properties";

    /// <summary>D-Bus calls have no deadline of their own: a hung logind or systemd must not stall the loop that asked.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>org.freedesktop.DBus.Properties.Get: the property's value, as a variant.</summary>
    public static Task<VariantValue> GetPropertyAsync(DBusConnection connection, string destination, string path, string @interface, string property)
    {
        ArgumentNullException.ThrowIfNull(connection);
        MessageBuffer message;
        using (var writer = connection.GetMessageWriter())
        {
            writer.WriteMethodCallHeader(destination, path, PropertiesInterface, "Get", "ss", MessageFlags.None);
            writer.WriteString(@interface);
            writer.WriteString(property);
            message = writer.CreateMessage();
        }
        return connection.CallMethodAsync(message, static (m, _) => m.GetBodyReader().ReadVariantValue(), null);
    }

    /// <summary>Runs <paramref name="call"/>, turning the D-Bus library's failures into one exception type with the member named.</summary>
    public static async Task<T> GuardAsync<T>(string what, Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call().WaitAsync(CallTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new SystemdException($"{what}: no answer within {CallTimeout}", e);
        }
        catch (DBusErrorReplyException e)
        {
            throw new SystemdException($"{what}: {e.ErrorName}: {e.ErrorMessage}", e);
        }
        catch (DBusExceptionBase e)
        {
            throw new SystemdException($"{what}: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidCastException or InvalidOperationException)
        {
            // A reply of an unexpected type (a variant that is not the documented one).
            throw new SystemdException($"{what}: unexpected reply ({e.Message})", e);
        }
    }
}
