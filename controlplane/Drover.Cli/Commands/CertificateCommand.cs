using Drover.Api.Printing;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Drover.Api.Client;
using Drover.Cli.Output;

namespace Drover.Cli.Commands;

/// <summary>`drover certificate check`: droverd's certificates and when each ends (as `k3s certificate check`).</summary>
internal static class CertificateCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("certificate", "Inspect droverd's certificates");
        command.Aliases.Add("cert");
        var check = new Command("check", "Show droverd's certificates: when each expires and when droverd renews it (the CA is renewed by no one: see the README)");
        check.SetAction(async (parse, ct) =>
        {
            using var session = CommandSession.Open(parse);
            var bytes = await session.Client.GetRawAsync(CertificateStatusList.Path, ct).ConfigureAwait(false);
            CertificateStatusList list;
            try
            {
                list = JsonSerializer.Deserialize(bytes, ServerEndpointsJsonContext.Default.CertificateStatusList) ?? new CertificateStatusList();
            }
            catch (JsonException e)
            {
                throw new CliException($"error: droverd's certificate list is not readable: {e.Message}");
            }
            var now = context.Time.GetUtcNow();
            var rows = new List<string[]> { new[] { "NAME", "EXPIRES", "NOT AFTER", "RENEWAL", "FILE" } };
            foreach (var c in list.Items)
            {
                rows.Add(
                [
                    c.Name,
                    c.NotAfter > now ? "in " + HumanDuration.Format(c.NotAfter - now) : "EXPIRED",
                    c.NotAfter.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    c.RenewAt is { } at ? (at > now ? "in " + HumanDuration.Format(at - now) : "due") : "manual",
                    c.File,
                ]);
            }
            await context.Out.WriteAsync(new TablePrinter([], wide: false, withNamespace: false).Format(rows)).ConfigureAwait(false);
            return 0;
        });
        command.Subcommands.Add(check);
        return command;
    }
}
