// Command floor is the least a Go program does to make one signed call
// with a jira-oauth config: load config.properties with
// magiconair/properties, parse the private key, sign with
// dghubble/oauth1 (RSA-SHA1) and GET one resource. benchstartup measures
// it beside jira-oauth request: the difference is what jira-oauth adds
// (commands, checks, signal handling, its own libraries).
//
// Usage: floor CONFIG PATH
package main

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dghubble/oauth1"
	"github.com/magiconair/properties"
)

func main() {
	if err := call(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func call(configPath, path string) error {
	p, err := properties.LoadFile(configPath, properties.UTF8)
	if err != nil {
		return err
	}
	der, err := base64.StdEncoding.DecodeString(p.GetString("private_key", ""))
	if err != nil {
		return err
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return err
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return fmt.Errorf("not an RSA key")
	}
	cfg := oauth1.Config{ConsumerKey: p.GetString("consumer_key", ""), Signer: &oauth1.RSASigner{PrivateKey: rsaKey}}
	token := oauth1.NewToken(p.GetString("access_token", ""), p.GetString("secret", ""))
	resp, err := cfg.Client(oauth1.NoContext, token).Get(strings.TrimRight(p.GetString("jira_home", ""), "/") + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("status %s", resp.Status)
	}
	return nil
}
