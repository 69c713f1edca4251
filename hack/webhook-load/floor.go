package main

// The floor: `webhook-load floor -listen 127.0.0.1:0 -cert C -key K -answer A` serves HTTPS with
// Go's net/http and answers every AdmissionReview with a fixed answer, the template A with the
// request's uid put in place of __UID__. It reads and decodes each review (a real webhook cannot
// answer without its uid) and does nothing else: no injection, no patch computed. Loaded by this
// same program on the same cores, it shows what the machine and the closed loop cost before any
// webhook's own work, so a latency target can be read against it.
//
// It prints "listening on ADDR" once ready and serves until killed.

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func floor(args []string) {
	fs := flag.NewFlagSet("floor", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on (loopback only)")
	certFile := fs.String("cert", "", "PEM certificate chain the server presents")
	keyFile := fs.String("key", "", "PEM private key of that certificate")
	answerFile := fs.String("answer", "", "AdmissionReview answer with __UID__ for the uid")
	fs.Parse(args)
	if *certFile == "" || *keyFile == "" || *answerFile == "" {
		fs.Usage()
		os.Exit(2)
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil || !loopback(host) {
		fail("-listen must be a loopback address: %s", *listen)
	}
	cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
	if err != nil {
		fail("%v", err)
	}
	template, err := os.ReadFile(*answerFile)
	if err != nil {
		fail("%v", err)
	}
	parts := bytes.Split(template, []byte("__UID__"))
	if len(parts) != 2 {
		fail("%s must contain __UID__ exactly once", *answerFile)
	}
	pre, suf := parts[0], parts[1]
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		if err != nil {
			http.Error(w, "read: "+err.Error(), http.StatusBadRequest)
			return
		}
		// The whole review decoded, as any webhook must before it can answer.
		var rv struct {
			Request struct {
				UID    string          `json:"uid"`
				Object json.RawMessage `json:"object"`
			} `json:"request"`
		}
		if err := json.Unmarshal(body, &rv); err != nil || rv.Request.UID == "" {
			http.Error(w, "not an AdmissionReview", http.StatusBadRequest)
			return
		}
		uid, _ := json.Marshal(rv.Request.UID)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", fmt.Sprint(len(pre)+len(uid)-2+len(suf)))
		w.Write(pre)
		w.Write(uid[1 : len(uid)-1])
		w.Write(suf)
	})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fail("%v", err)
	}
	server := &http.Server{
		Handler:   handler,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	if err := server.ServeTLS(ln, "", ""); err != nil {
		fail("%v", err)
	}
}
