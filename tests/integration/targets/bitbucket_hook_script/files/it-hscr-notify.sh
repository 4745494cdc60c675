#!/bin/sh
# Tells the pusher what was received.
echo "Thanks for the push"
