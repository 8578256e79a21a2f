using System.CommandLine;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Cli.Commands;

/// <summary>`drover version`: the client's version always, the server's when it can be reached.</summary>
internal static class VersionCommand
{
    public const string ClientVersion = "v0.1.0";

    public static Command Create(CliContext context)
    {
        var clientOnly = new Option<bool>("--client") { Description = "Print the client version only" };
        var command = new Command("version", "Print the client and server versions");
        command.Options.Add(clientOnly);
        command.SetAction(async (parse, ct) =>
        {
            await context.Out.WriteLineAsync($"Client Version: {ClientVersion}").ConfigureAwait(false);
            if (parse.GetValue(clientOnly))
                return 0;
            // The client line is out before anything can fail, so it is printed even without a server.
            await context.Out.FlushAsync(ct).ConfigureAwait(false);
            using var session = CommandSession.Open(parse);
            var bytes = await session.Client.GetRawAsync("/version", ct).ConfigureAwait(false);
            VersionInfo? info;
            try
            {
                info = JsonSerializer.Deserialize(bytes, ApiJsonContext.Default.VersionInfo);
            }
            catch (JsonException e)
            {
                throw new CliException($"error: the server's /version answer is not readable: {e.Message}");
            }
            await context.Out.WriteLineAsync($"Server Version: {info?.GitVersion}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
