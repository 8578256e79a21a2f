using System.Text;
using Drover.Api;
using Drover.Testing;
using Microsoft.Data.Sqlite;

namespace Drover.ControlPlane.Storage.Encryption.Tests;

/// <summary>
/// Secrets encryption through a real droverd: the SQLite file on disk holds no secret value, a wrong or missing key
/// keeps droverd from starting, and `droverd secrets-encrypt rotate` encrypts what was stored in clear before.
/// </summary>
[Trait("Category", "Process")]
public sealed class SecretsEncryptionProcessTests
{
    private static Secret Secret(string name, string value) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        StringData = new() { ["password"] = value },
    };

    private static async Task<CliResult> DroverdAsync(params string[] args)
    {
        var info = DroverBinaries.Built.Droverd();
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return await ProcessRunner.RunAsync(info, TimeSpan.FromSeconds(90));
    }

    /// <summary>Every stored value of a Secret, current and history, read with SQLite itself (not through droverd).</summary>
    private static List<(string Key, byte[] Value)> StoredSecretValues(string dataDirectory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "state.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var values = new List<(string, byte[])>();
        foreach (var table in new[] { "kv", "log" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT key, value FROM {table} WHERE key LIKE '/registry/secrets/%' AND value IS NOT NULL";
            using var reader = command.ExecuteReader();
            while (reader.Read())
                values.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
        }
        return values;
    }

    private static bool ContainsValue(byte[] bytes, string value) =>
        bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(value)) >= 0
        || bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)))) >= 0;

    [Fact]
    public async Task Droverd_SecretsWrittenAndUpdated_NoValueInTheDatabaseFiles_WrongOrMissingKeyRefusesToStart()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("droverd-secrets-at-rest-").FullName;
        try
        {
            await using var server = await DroverdProcess.StartAsync(dataDirectory);
            using (var client = server.Client())
            {
                await client.CreateAsync(ResourceTypes.Secrets, Secret("db", "first-value-7f3a9"));
                await client.PatchAsync(ResourceTypes.Secrets, "default", "db", "{\"stringData\":{\"password\":\"second-value-c41d2\"}}");
                var read = await client.GetAsync(ResourceTypes.Secrets, "default", "db");
                Assert.Equal("second-value-c41d2", Encoding.UTF8.GetString(read.Data!["password"]));
            }
            await server.StopAsync();

            // The whole files, WAL included: no value and no base64 of one, in the current row or the history.
            foreach (var file in Directory.GetFiles(dataDirectory, "state.db*"))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                Assert.False(ContainsValue(bytes, "first-value-7f3a9"), file);
                Assert.False(ContainsValue(bytes, "second-value-c41d2"), file);
            }
            var stored = StoredSecretValues(dataDirectory);
            Assert.Contains(stored, s => s.Key == "/registry/secrets/default/db");
            Assert.All(stored, s => Assert.StartsWith("k8s:enc:aesgcm:v1:aesgcmkey-", Encoding.ASCII.GetString(s.Value, 0, 28), StringComparison.Ordinal));

            var keyFile = Path.Combine(dataDirectory, "credentials", "encryption-config.json");
            var key = await File.ReadAllTextAsync(keyFile);
            File.Move(keyFile, keyFile + ".aside");
            var missing = await DroverdAsync("--data-dir", dataDirectory, "--bind-address", "127.0.0.1", "--port", "0");
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("droverd: secrets encryption: /registry/secrets/default/db is encrypted with aesgcm key", missing.Stderr, StringComparison.Ordinal);
            Assert.Contains($"there is no key file at {keyFile}", missing.Stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(keyFile), "no new key may be made over an encrypted store");

            var name = EncryptionConfigFile.Load(keyFile + ".aside").Keys.Single().Name;
            EncryptionConfigFile.Save(keyFile, [new EncryptionKey(name, new byte[32])]);
            var wrong = await DroverdAsync("--data-dir", dataDirectory, "--bind-address", "127.0.0.1", "--port", "0");
            Assert.Equal(1, wrong.ExitCode);
            Assert.Contains($"is encrypted with a key named \"{name}\", but the key of that name in the encryption configuration does not open it", wrong.Stderr, StringComparison.Ordinal);

            File.Move(keyFile + ".aside", keyFile, overwrite: true);
            await server.StartAgainAsync();
            using var again = server.Client();
            Assert.Equal("second-value-c41d2", Encoding.UTF8.GetString((await again.GetAsync(ResourceTypes.Secrets, "default", "db")).Data!["password"]));
            Assert.Equal(key, await File.ReadAllTextAsync(keyFile));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task SecretsEncryptRotate_SecretStoredInClearBefore_EncryptedAndStillRead()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("droverd-secrets-migrate-").FullName;
        try
        {
            await using (var clear = await DroverdProcess.StartAsync(dataDirectory, "--secrets-encryption=false"))
            {
                using var client = clear.Client();
                await client.CreateAsync(ResourceTypes.Secrets, Secret("legacy", "legacy-value-90b1"));
            }
            Assert.Contains(StoredSecretValues(dataDirectory), s => ContainsValue(s.Value, "legacy-value-90b1"));

            await using var server = await DroverdProcess.StartAsync(dataDirectory);
            Assert.Contains("1 secrets are still stored in clear", server.Output, StringComparison.Ordinal);
            var status = await DroverdAsync("secrets-encrypt", "status", "--data-dir", dataDirectory);
            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Matches(@"identity\s+\(stored in clear\)\s+1", status.Stdout);

            var rotate = await DroverdAsync("secrets-encrypt", "rotate", "--data-dir", dataDirectory);
            Assert.True(rotate.ExitCode == 0, rotate.ToString());
            Assert.Contains("1 secrets rewritten", rotate.Stdout, StringComparison.Ordinal);
            Assert.Matches(@"identity\s+\(stored in clear\)\s+0", rotate.Stdout);

            // Current row and the history the rotation compacted: no value in clear is left in the tables.
            var stored = StoredSecretValues(dataDirectory);
            Assert.NotEmpty(stored);
            Assert.All(stored, s => Assert.False(ContainsValue(s.Value, "legacy-value-90b1"), s.Key));
            using var client2 = server.Client();
            Assert.Equal("legacy-value-90b1", Encoding.UTF8.GetString((await client2.GetAsync(ResourceTypes.Secrets, "default", "legacy")).Data!["password"]));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
