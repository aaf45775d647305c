import com.google.api.client.auth.oauth.OAuthAuthorizeTemporaryTokenUrl;
import com.google.api.client.auth.oauth.OAuthCredentialsResponse;
import com.google.api.client.auth.oauth.OAuthGetTemporaryToken;
import com.google.api.client.auth.oauth.OAuthParameters;
import com.google.api.client.auth.oauth.OAuthRsaSigner;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.apache.ApacheHttpTransport;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Properties;

/**
 * TutorialClient makes the calls Atlassian's OAuthJavaTutorialClient makes,
 * with the libraries it uses (google-oauth-client, google-http-client over
 * Apache HttpClient), so that the benchmark can time a Java client of that
 * shape: "requestToken" and "request URL", with every value in a
 * config.properties that each command reads (and requestToken writes back).
 * (The tutorial's accessToken needs a freshly approved code for every run,
 * which a benchmark of many runs cannot have.)
 * It is written for jira-oauth's benchmark (internal/benchstartup), not
 * taken from Atlassian.
 *
 * Usage: java TutorialClient CONFIG requestToken | request URL
 */
public class TutorialClient {
  public static void main(String[] args) throws Exception {
    File file = new File(args[0]);
    Properties config = new Properties();
    try (InputStream in = new FileInputStream(file)) {
      config.load(in);
    }
    String home = config.getProperty("jira_home").replaceAll("/+$", "");
    String consumerKey = config.getProperty("consumer_key");
    OAuthRsaSigner signer = new OAuthRsaSigner();
    byte[] der = Base64.getDecoder().decode(config.getProperty("private_key"));
    signer.privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    HttpTransport transport = new ApacheHttpTransport();

    switch (args[1]) {
      case "requestToken": {
        OAuthGetTemporaryToken get = new PostTemporaryToken(home + "/plugins/servlet/oauth/request-token");
        get.consumerKey = consumerKey;
        get.signer = signer;
        get.transport = transport;
        get.callback = "oob";
        OAuthCredentialsResponse response = get.execute();
        OAuthAuthorizeTemporaryTokenUrl url = new OAuthAuthorizeTemporaryTokenUrl(home + "/plugins/servlet/oauth/authorize");
        url.temporaryToken = response.token;
        config.setProperty("request_token", response.token);
        store(config, file);
        System.out.println(url.toString());
        break;
      }
      case "request": {
        OAuthParameters parameters = new OAuthParameters();
        parameters.consumerKey = consumerKey;
        parameters.signer = signer;
        parameters.token = config.getProperty("access_token");
        parameters.verifier = config.getProperty("secret");
        HttpResponse response = transport.createRequestFactory(parameters)
            .buildGetRequest(new GenericUrl(args[2].startsWith("/") ? home + args[2] : args[2]))
            .execute();
        System.out.println(response.parseAsString());
        break;
      }
      default:
        throw new IllegalArgumentException("unknown command " + args[1]);
    }
  }

  /** Jira wants the token call as POST, which the library's classes let only a subclass ask for. */
  static class PostTemporaryToken extends OAuthGetTemporaryToken {
    PostTemporaryToken(String url) {
      super(url);
      usePost = true;
    }
  }

  static void store(Properties config, File file) throws Exception {
    try (OutputStream out = new FileOutputStream(file)) {
      config.store(out, null);
    }
  }
}
