using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vifibnet.Addressing;
using Vifibnet.Certificates;
using Vifibnet.Logging;
using Vifibnet.Peers;
using Vifibnet.Protocol;

namespace Vifibnet.Setup;

/// <summary>
/// Joins a network in one step, as the seed's setup.py: ca.pem from the registry, then the node's
/// key and certificate (a token by mail or from an admin), then peers.db with a bootstrap peer sealed
/// to our key. Existing valid files are reused, every file is written whole or not at all, and each
/// step taken is reported in <see cref="SetupResult.Actions"/>. Questions go through <see cref="ISetupPrompt"/>.
/// </summary>
public sealed class NodeSetup(Logger log, HttpClient? http = null)
{
    public async Task<SetupResult> RunAsync(SetupOptions options, ISetupPrompt? prompt, CancellationToken cancel = default)
    {
        if (options.Port is < 1 or > 65535)
            throw new SetupException(SetupErrorKind.InvalidOption, $"--port {options.Port} is not a port number (1..65535)");
        var subject = SubjectAttributes.Build(options.Attributes); // bad -r names fail before anything is sent or written
        string? pinned = null;
        try { if (options.CaFingerprint is not null) pinned = CertificateFingerprint.Parse(options.CaFingerprint); }
        catch (CertificateException e) { throw new SetupException(SetupErrorKind.InvalidOption, e.Message, e); }
        var files = new NodeFiles(Path.GetFullPath(options.Directory));
        var uri = HttpRegistryClient.UriFor(options.Server, options.Port, options.Tls);
        var createdDirectory = SetupDirectory.Prepare(files.Directory);
        var actions = new List<string>();
        try
        {
            return await RunStepsAsync(options with { CaFingerprint = pinned }, prompt, files, uri, subject, actions, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The probe in Prepare passed, but a file in the directory could not be written (a directory
            // in a file's place, a full disk): a named setup error, like any other, not a bare I/O one.
            SetupDirectory.RemoveIfEmpty(files.Directory, createdDirectory);
            throw new SetupException(SetupErrorKind.DirectoryNotWritable, $"cannot write in '{files.Directory}': {e.Message}", e);
        }
        catch
        {
            SetupDirectory.RemoveIfEmpty(files.Directory, createdDirectory);
            throw;
        }
    }

    async Task<SetupResult> RunStepsAsync(SetupOptions options, ISetupPrompt? prompt, NodeFiles files, Uri uri,
        X500DistinguishedName subject, List<string> actions, CancellationToken cancel)
    {
        if (options.Tls) CheckTlsTrust(options, files);
        var firstContact = options.Tls ? RegistryTls.FirstContact() : null;
        string caPem;
        using (var firstHttp = http is null ? firstContact?.CreateHttpClient(TimeSpan.FromSeconds(30)) : null)
        using (var first = new HttpRegistryClient(uri, http: http ?? firstHttp, tls: firstContact))
            caPem = await RegistryCall.Run(() => first.GetCaAsync(cancel)).ConfigureAwait(false);

        // 1. ca.pem
        using var ca = ParseCa(caPem, uri);
        var network = CertificateAuthority.NetworkPrefixOf(ca);
        var fingerprint = CertificateFingerprint.Of(ca);
        if (options.CaFingerprint is { } pinned && pinned != fingerprint)
            throw new SetupException(SetupErrorKind.CaFingerprintMismatch,
                $"registry {uri} sent CA {fingerprint}, not the pinned {pinned}: this is not the network you meant (or someone answers in its place); nothing was written");
        // Over TLS, the certificate the registry showed must be this CA's registry certificate before the token goes out.
        if (firstContact is not null && (firstContact.LastPresented is not { } shown ? "it showed no TLS certificate" : RegistryTls.Refusal(shown, ca)) is { } refusal)
            throw new SetupException(SetupErrorKind.CaFingerprintMismatch, $"registry {uri} refused: {refusal}; no token was sent and nothing was written");
        var tls = options.Tls ? new RegistryTls(ca) : null;
        using var tlsHttp = http is null ? tls?.CreateHttpClient(TimeSpan.FromSeconds(30)) : null;
        var transport = http ?? tlsHttp;
        using var client = new HttpRegistryClient(uri, http: transport, tls: tls);
        Step(actions, WriteCa(files, caPem, ca, options.Force));
        var result = new SetupResult
        {
            Stage = SetupStage.CaOnly, Registry = uri, Network = network, Directory = files.Directory, CaPath = files.Ca, Actions = actions,
        };
        if (options.CaOnly) return result;

        var needBootstrap = !options.NoBoot && !File.Exists(files.PeersDb);
        var peersExisted = File.Exists(files.PeersDb);

        // 2. cert.key and cert.crt (needed for a full setup, and for the sealed bootstrap peer)
        KeyAndCertificate? node = null;
        try
        {
            if (!options.DbOnly)
                node = await NodeCredentials.ObtainAsync(client, ca, files, subject, options, prompt, actions, log, cancel).ConfigureAwait(false);
            else if (needBootstrap)
                node = NodeCredentials.Existing(ca, files)
                       ?? throw new SetupException(SetupErrorKind.InvalidOption,
                           $"--db-only: the bootstrap peer is sealed to the node's certificate key, and {files.Directory} has no valid cert.key and cert.crt yet: run setup once without --db-only, or add --no-boot");

            // 3. peers.db, with the bootstrap peer decrypted into it
            if (peersExisted)
                Step(actions, "peers.db: kept as it is (an existing peer DB is never replaced)");
            else
            {
                PeerEntry? bootstrap = null;
                if (needBootstrap)
                {
                    using var signed = new HttpRegistryClient(uri, node!.Certificate, node.Key, transport, tls: tls);
                    bootstrap = await RegistryCall.Run(() => signed.GetBootstrapPeerAsync(cancel)).ConfigureAwait(false)
                                ?? throw new SetupException(SetupErrorKind.NoBootstrapPeer,
                                    $"registry {uri} has no peer to bootstrap from (no --bootstrap entry, no node declared yet): re-run with --no-boot (-NoBoot); the key and certificate already in {files.Directory} will be reused");
                }
                CreatePeerDb(files.PeersDb, bootstrap);
                Step(actions, bootstrap is null ? "peers.db: created, empty (--no-boot)" : $"peers.db: created with bootstrap peer {bootstrap.Prefix} ({bootstrap.Address})");
            }
            if (options.DbOnly)
                return result with { Stage = SetupStage.DbOnly, PeersDbPath = files.PeersDb };

            // 4. dh2048.pem, only when asked for
            string? dhPath = null;
            if (options.WriteDh)
            {
                dhPath = files.Dh;
                if (File.Exists(dhPath)) Step(actions, "dh2048.pem: kept");
                else
                {
                    AtomicFile.WriteText(dhPath, DhParameters.Ffdhe2048Pem);
                    Step(actions, "dh2048.pem: written (RFC 7919 ffdhe2048 group)");
                }
            }

            var identity = NodeIdentity.From(ca, node!.Certificate, files.Cert);
            return result with
            {
                Stage = SetupStage.Complete, Prefix = identity.Prefix, Subnet = identity.Subnet, NodeAddress = identity.Address,
                CertificateExpires = identity.NotAfter, PeersDbPath = files.PeersDb, KeyPath = files.Key, CertPath = files.Cert, DhPath = dhPath,
            };
        }
        finally
        {
            node?.Dispose();
        }
    }

    /// <summary>
    /// An https registry is checked against the network's CA: the pinned fingerprint, or the ca.pem the directory
    /// already holds (a node registering again). With neither there is nothing to check it against: refused.
    /// </summary>
    static void CheckTlsTrust(SetupOptions options, NodeFiles files)
    {
        if (options.CaFingerprint is null && !File.Exists(files.Ca))
            throw new SetupException(SetupErrorKind.InvalidOption,
                $"--tls (-Tls) needs the network's CA to check the registry's certificate against: give --ca-fingerprint sha256:... (-CaFingerprint; new-registry and token print it); {files.Directory} has no ca.pem yet");
    }

    void Step(List<string> actions, string action)
    {
        actions.Add(action);
        log.Info(action);
    }

    static X509Certificate2 ParseCa(string pem, Uri uri)
    {
        X509Certificate2 ca;
        try
        {
            ca = X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new SetupException(SetupErrorKind.InvalidCa, $"registry {uri} sent a CA that is not a PEM certificate: {e.Message}", e);
        }
        try
        {
            CertificateAuthority.NetworkPrefixOf(ca);
            return ca;
        }
        catch (CertificateException e)
        {
            ca.Dispose();
            throw new SetupException(SetupErrorKind.InvalidCa, $"registry {uri} sent a CA that is no Vifibnet network's: {e.Message}", e);
        }
    }

    /// <summary>Writes ca.pem; a different CA already there (another network) is replaced only when forced.</summary>
    static string WriteCa(NodeFiles files, string pem, X509Certificate2 ca, bool force)
    {
        if (File.Exists(files.Ca))
        {
            if (File.ReadAllText(files.Ca).Trim() == pem.Trim()) return "ca.pem: unchanged";
            if (!force)
            {
                string held;
                try { using var old = X509Certificate2.CreateFromPem(File.ReadAllText(files.Ca)); held = CertificateFingerprint.Of(old); }
                catch (CryptographicException) { held = "an unreadable ca.pem"; }
                throw new SetupException(SetupErrorKind.CaChanged,
                    $"{files.Directory} belongs to the network of CA {held}; the registry sent CA {CertificateFingerprint.Of(ca)}: use --force (-Force) to join the other network (the node registers again); nothing was written");
            }
            AtomicFile.WriteText(files.Ca, pem);
            return "ca.pem: replaced (--force: the registry's CA differs from the one in the directory)";
        }
        AtomicFile.WriteText(files.Ca, pem);
        return "ca.pem: downloaded";
    }

    static void CreatePeerDb(string path, PeerEntry? bootstrap)
    {
        // Built under a temporary name and renamed, so an interrupted setup leaves no half-made peers.db.
        AtomicFile.Write(path, temp =>
        {
            using var db = PeerDb.Open(temp);
            if (bootstrap is not null) db.AddBootstrap(new Peer(bootstrap.Prefix, bootstrap.Address));
        });
        foreach (var suffix in new[] { "-wal", "-shm" })
            foreach (var stale in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".tmp-*" + suffix))
                File.Delete(stale);
    }
}
