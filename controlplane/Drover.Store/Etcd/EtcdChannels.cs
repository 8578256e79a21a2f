using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;

namespace Drover.Store.Etcd;

/// <summary>
/// One gRPC channel per etcd member and which member is in use. A request goes to the current member; when that
/// member cannot serve it (gone, or cut off from the cluster's leader) the next one becomes current, as clientv3's
/// balancer does. Channels are HTTP/2 with keep-alive pings, plain for http:// and TLS (optionally with a client
/// certificate) for https://.
/// </summary>
internal sealed class EtcdChannels : IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly X509Certificate2Collection? _trust;
    private readonly X509Certificate2? _clientCertificate;
    private int _current;

    public EtcdChannels(EtcdStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Endpoints.Count == 0)
        {
            throw new ArgumentException("At least one etcd endpoint is needed.", nameof(options));
        }

        if (options.CaFile is not null)
        {
            _trust = [];
            _trust.ImportFromPemFile(options.CaFile);
        }

        if ((options.CertFile is null) != (options.KeyFile is null))
        {
            throw new ArgumentException("An etcd client certificate needs both its certificate and its key file.", nameof(options));
        }

        if (options.CertFile is not null)
        {
            _clientCertificate = X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile);
        }

        Endpoints = options.Endpoints;
        _channels = [.. options.Endpoints.Select(endpoint => Create(endpoint, options))];
    }

    public IReadOnlyList<Uri> Endpoints { get; }

    public int Count => _channels.Length;

    /// <summary>The member requests go to, and its index (to hand back to <see cref="Failed"/>).</summary>
    public (GrpcChannel Channel, int Index) Current
    {
        get
        {
            var index = Volatile.Read(ref _current);
            return (_channels[index], index);
        }
    }

    /// <summary>
    /// Makes the raft leader the current member, when a member says which one it is (etcd's Status). A write sent to a
    /// follower is forwarded by it to the leader (one more hop, and CPU on both); one sent to the leader is proposed
    /// there at once. Answers are the same either way — every member serves linearizable reads and writes — so this
    /// only saves work, and a member that does not answer in time leaves the current one as it is.
    /// </summary>
    public async Task PreferLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        for (var index = 0; index < _channels.Length; index++)
        {
            try
            {
                var status = await new Etcdserverpb.Maintenance.MaintenanceClient(_channels[index])
                    .StatusAsync(new Etcdserverpb.StatusRequest(), deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken)
                    .ResponseAsync.ConfigureAwait(false);
                if (status.Leader != 0 && status.Header?.MemberId == status.Leader)
                {
                    Volatile.Write(ref _current, index);
                    return;
                }
            }
            catch (RpcException) when (!cancellationToken.IsCancellationRequested)
            {
                // This member is down or cut off: it is not the leader to prefer; ask the next.
            }
        }
    }

    /// <summary>The member at <paramref name="index"/> failed a request: move on to the next, unless another caller already did.</summary>
    public void Failed(int index) => Interlocked.CompareExchange(ref _current, (index + 1) % _channels.Length, index);

    public string Describe(int index) => Endpoints[index].ToString();

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _clientCertificate?.Dispose();
    }

    private GrpcChannel Create(Uri endpoint, EtcdStoreOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.DialTimeout,
            KeepAlivePingDelay = options.KeepAliveInterval,
            KeepAlivePingTimeout = options.KeepAliveInterval,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            // Watches are long streams: more than 100 on one connection would queue new requests behind them.
            EnableMultipleHttp2Connections = true,
        };
        if (endpoint.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = _clientCertificate is null ? null : [_clientCertificate],
                RemoteCertificateValidationCallback = _trust is null ? null : ValidateAgainstCa,
            };
        }
        else if (endpoint.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"etcd endpoint '{endpoint}' must be http:// or https://.", nameof(options));
        }

        return GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            // A range page of large objects can exceed gRPC's 4 MB default; etcd itself caps requests at 1.5 MB.
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            Credentials = endpoint.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
        });
    }

    /// <summary>The member's certificate must chain to the configured CA (and only to it) and name the host dialled.</summary>
    private bool ValidateAgainstCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trust!);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (certificate is X509Certificate2 leaf)
        {
            return custom.Build(leaf);
        }

        using var loaded = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(loaded);
    }
}
