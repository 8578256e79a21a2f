using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Drover.Api.Client;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Storage.Encryption;

namespace Drover.ControlPlane;

/// <summary>
/// <c>droverd secrets-encrypt status|rotate</c>: asks the running droverd of <c>--data-dir</c> (through DATA/admin.config,
/// as k3s' secrets-encrypt asks its server), so a rotation happens while the cluster serves.
/// </summary>
internal static class SecretsEncryptCommand
{
    public static Command Create()
    {
        var command = new Command("secrets-encrypt", "Show or rotate the key Secrets are encrypted at rest with, on the running droverd (as k3s secrets-encrypt).");
        command.Subcommands.Add(Sub("status", "Show the keys and how many Secrets are stored under each.", rotate: false));
        command.Subcommands.Add(Sub("rotate", "Put a new key first, rewrite every Secret under it (those stored in clear too), then drop the old keys.", rotate: true));
        return command;
    }

    private static Command Sub(string name, string description, bool rotate)
    {
        var dataDir = new Option<string>("--data-dir") { Description = "droverd's data directory (its admin.config says where droverd listens).", DefaultValueFactory = _ => "/var/lib/drover/server" };
        var command = new Command(name, description) { dataDir };
        command.SetAction(async (parse, ct) =>
        {
            var config = Path.Combine(parse.GetValue(dataDir)!, "admin.config");
            if (!File.Exists(config))
            {
                await Console.Error.WriteLineAsync($"droverd secrets-encrypt {name}: there is no {config}: --data-dir must be the data directory of a droverd that has started (it writes admin.config)").ConfigureAwait(false);
                return 1;
            }
            try
            {
                // A rotation rewrites every Secret: allow it more than an ordinary request.
                using var client = new DroverClient(ClientSettings.Load(config), TimeSpan.FromMinutes(10));
                var bytes = rotate
                    ? await client.SendRawAsync(HttpMethod.Post, SecretsEncryptionEndpoint.RotatePath, [], "application/json", ct).ConfigureAwait(false)
                    : await client.GetRawAsync(SecretsEncryptionEndpoint.Path, ct).ConfigureAwait(false);
                var status = JsonSerializer.Deserialize(bytes, SecretsEncryptionJsonContext.Default.SecretsEncryptionStatus) ?? new SecretsEncryptionStatus();
                await Console.Out.WriteAsync(Format(status)).ConfigureAwait(false);
                return 0;
            }
            catch (ClientConfigException e)
            {
                await Console.Error.WriteLineAsync($"droverd secrets-encrypt: {e.Message}").ConfigureAwait(false);
                return 1;
            }
            catch (ApiClientException e)
            {
                var hint = e.Status.Code == 0 ? " (the command talks to the running droverd: start it first)" : "";
                await Console.Error.WriteLineAsync($"droverd secrets-encrypt {name}: {e.Message}{hint}").ConfigureAwait(false);
                return 1;
            }
            catch (JsonException e)
            {
                await Console.Error.WriteLineAsync($"droverd secrets-encrypt {name}: droverd's answer is not readable: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    internal static string Format(SecretsEncryptionStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Encryption Status: {(status.Enabled ? "Enabled" : "Disabled")}\n");
        text.Append(CultureInfo.InvariantCulture, $"Key File: {status.KeyFile}\n\n");
        var rows = new List<(string Active, string Type, string Name, string Count)> { ("Active", "Key Type", "Name", "Secrets"), ("------", "--------", "----", "-------") };
        foreach (var key in status.Keys)
            rows.Add((key == status.WriteKey ? " *" : "", "AES-GCM", key, status.Secrets.GetValueOrDefault(key).ToString(CultureInfo.InvariantCulture)));
        rows.Add((status.WriteKey is null ? " *" : "", SecretsEncryption.IdentityName, "(stored in clear)", status.Secrets.GetValueOrDefault(SecretsEncryption.IdentityName).ToString(CultureInfo.InvariantCulture)));
        foreach (var (name, count) in status.Secrets.Where(s => s.Key != SecretsEncryption.IdentityName && !status.Keys.Contains(s.Key)))
            rows.Add(("", "unknown", name, count.ToString(CultureInfo.InvariantCulture)));
        var widths = new[] { rows.Max(r => r.Active.Length), rows.Max(r => r.Type.Length), rows.Max(r => r.Name.Length) };
        foreach (var row in rows)
            text.Append(CultureInfo.InvariantCulture, $"{row.Active.PadRight(widths[0])}  {row.Type.PadRight(widths[1])}  {row.Name.PadRight(widths[2])}  {row.Count}\n");
        if (status.Rewritten is { } rewritten)
        {
            var removed = status.RemovedKeys is { Count: > 0 } keys ? string.Join(", ", keys) : "none";
            text.Append(CultureInfo.InvariantCulture, $"\nRotated to {status.WriteKey}: {rewritten} secrets rewritten; old history compacted; keys removed: {removed}\n");
        }
        return text.ToString();
    }
}
