using System.Net;
using Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods;

/// <summary>The host's /etc/resolv.conf as a CRI DNSConfig (dnsPolicy Default, which is what edge pods without cluster DNS get).</summary>
internal static class ResolvConf
{
    public static DNSConfig Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var dns = new DNSConfig();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            switch (fields[0])
            {
                // A loopback resolver (systemd-resolved's 127.0.0.53) is the host's, unreachable from a pod's network namespace.
                case "nameserver" when fields.Length > 1 && IPAddress.TryParse(fields[1], out var address) && !IPAddress.IsLoopback(address):
                    dns.Servers.Add(fields[1]);
                    break;
                case "search" or "domain":
                    // The last search/domain line wins, as in the resolver.
                    dns.Searches.Clear();
                    dns.Searches.AddRange(fields.Skip(1));
                    break;
                case "options":
                    dns.Options.AddRange(fields.Skip(1));
                    break;
            }
        }

        return dns;
    }

    public static DNSConfig Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new DNSConfig();
        }
    }
}
